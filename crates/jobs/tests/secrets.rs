//! The background loops hash sealed query passwords: with the deployment's audit key a
//! submission stores its password sealed, and `spawn` replaces it with the argon2 hash
//! within seconds, with no request involved.

use std::time::Duration;

use gongkai_domain::audit::AuditKey;
use gongkai_store::secrets;
use gongkai_store::testing::ENGINES;
use tokio::sync::watch;

use crate::support::{apply, must, setup};

#[tokio::test]
async fn spawned_jobs_hash_what_submissions_sealed() {
    for engine in ENGINES {
        let mut s = setup(engine).await;
        s.store = s.store.with_audit_key(AuditKey::new([5; 32], 1));
        apply(&s, "a@example.com").await;
        apply(&s, "b@example.com").await;
        assert_eq!(must(secrets::sealed_count(&s.store).await), 2, "{engine:?}");

        let (stop, stopped) = watch::channel(false);
        gongkai_jobs::spawn(s.store.clone(), None, None, None, stopped);
        let mut left = 2;
        for _ in 0..200 {
            left = must(secrets::sealed_count(&s.store).await);
            if left == 0 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let _ = stop.send(true);
        assert_eq!(left, 0, "{engine:?}: sealed passwords left after 10 s");
    }
}
