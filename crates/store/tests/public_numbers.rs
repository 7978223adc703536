//! A site's official phone numbers on both engines: the footer phone, each organisation's
//! public contact phone and its 政府信息公开指南 are gathered for masking to leave alone; another
//! site's numbers and private numbers are not.

use gongkai_domain::org::OrgCode;
use gongkai_domain::pii;
use gongkai_store::testing::ENGINES;
use gongkai_store::{Actor, StoreError, guides, orgs, settings};

use crate::support::{county_on, must, new_org};

fn code(c: &str) -> OrgCode {
    must(OrgCode::parse(c))
}

#[tokio::test]
async fn a_sites_official_numbers_are_gathered_and_nothing_else() {
    for engine in ENGINES {
        let (_db, store, site) = county_on(engine).await;
        let other = must(
            orgs::create(
                &store,
                &Actor::system(),
                new_org("ATS001", "阿图什市人民政府", None),
            )
            .await,
        );
        let actor = Actor::cli();
        must(settings::set(&store, &actor, "phone", "0908-4520000").await);
        must(orgs::set_public_phone(&store, &actor, &code("WQX001"), " 0908-4521111 ").await);
        must(orgs::set_public_phone(&store, &actor, &code("ATS001"), "0908-4529999").await);
        let guide = guides::Guide {
            org_id: site.id,
            body_html: "<p>受理电话：0908-4523333</p>".into(),
            phone: "0908-4522222".into(),
            ..guides::Guide::default()
        };
        must(guides::save(&store, &actor, &guide).await);
        assert_eq!(
            must(orgs::by_id(&store, site.id).await).public_phone,
            "0908-4521111"
        );

        let allowed = must(orgs::public_numbers(&store, site.id).await);
        let text = "热线0908-4520000、0908-4521111、0908-4522222、0908-4523333；\
                    外地0908-4529999；个人13912345678";
        let masked = pii::mask_except(text, &allowed);
        for kept in [
            "0908-4520000",
            "0908-4521111",
            "0908-4522222",
            "0908-4523333",
        ] {
            assert!(
                masked.contains(kept),
                "{engine:?}: {kept} masked in {masked}"
            );
        }
        for (number, what) in [
            ("0908-4529999", "another site's number"),
            ("13912345678", "a private mobile"),
        ] {
            assert!(!masked.contains(number), "{engine:?}: {what}");
        }
        assert!(!must(orgs::public_numbers(&store, other.id).await).is_empty());

        // Refused: a value too long for a phone field, and an unknown organisation.
        let long = "1".repeat(orgs::PUBLIC_PHONE_MAX_CHARS + 1);
        assert!(matches!(
            orgs::set_public_phone(&store, &actor, &code("WQX001"), &long).await,
            Err(StoreError::Conflict(_))
        ));
        assert!(matches!(
            orgs::set_public_phone(&store, &actor, &code("XXX001"), "0908-4520000").await,
            Err(StoreError::NotFound { .. })
        ));
    }
}
