//! Each organisation's 政府信息公开指南 (第十二条): how information is classified and arranged,
//! how to obtain it, and the office's name, address, hours, phone, fax and online contact.

use crate::{Actor, Result, Store, audit, column, now, sql, ts};
use serde::Serialize;

/// A guide as stored.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Guide {
    /// Organisation id.
    pub org_id: i64,
    /// Sanitised body (classification, arrangement, how to obtain information).
    pub body_html: String,
    /// 政府信息公开工作机构名称.
    pub office_name: String,
    /// 办公地址.
    pub address: String,
    /// 办公时间.
    pub hours: String,
    /// 联系电话.
    pub phone: String,
    /// 传真.
    pub fax: String,
    /// 电子邮箱.
    pub email: String,
    /// 邮政编码.
    pub postcode: String,
    /// Last change (storage timestamp).
    pub updated_at: String,
}

column::from_row!(Guide => org_id, body_html, office_name, address, hours, phone, fax, email, postcode,
    updated_at);

/// The guide of an organisation, if written.
pub async fn get(store: &Store, org_id: i64) -> Result<Option<Guide>> {
    sql::optional(
        sqlx::query("SELECT * FROM org_guides WHERE org_id = $1").bind(org_id),
        store.pool(),
    )
    .await
}

/// Writes the guide of an organisation, audited.
pub async fn save(store: &Store, actor: &Actor, guide: &Guide) -> Result<()> {
    let mut tx = store.begin_write().await?;
    sqlx::query(
        "INSERT INTO org_guides (org_id, body_html, office_name, address, hours, phone, fax, email, postcode, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (org_id) DO UPDATE SET body_html = excluded.body_html, office_name = excluded.office_name,
            address = excluded.address, hours = excluded.hours, phone = excluded.phone, fax = excluded.fax,
            email = excluded.email, postcode = excluded.postcode, updated_at = excluded.updated_at",
    )
    .bind(guide.org_id)
    .bind(&guide.body_html)
    .bind(&guide.office_name)
    .bind(&guide.address)
    .bind(&guide.hours)
    .bind(&guide.phone)
    .bind(&guide.fax)
    .bind(&guide.email)
    .bind(&guide.postcode)
    .bind(ts(now()))
    .execute(&mut *tx)
    .await?;
    audit::Change::new("guide.save", "organisation", guide.org_id.to_string())
        .in_org(guide.org_id)
        .with_detail(serde_json::json!({ "office_name": guide.office_name }))
        .commit(tx, store, actor)
        .await
}
