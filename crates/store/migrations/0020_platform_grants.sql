-- The deployment administrator (平台管理员) stands above the sites: the role is granted to the
-- platform, not in an organisation, so it lives beside `user_roles` (whose grants each name the
-- organisation they reach down from) rather than in it.
CREATE TABLE platform_grants (
    user_id BIGINT NOT NULL REFERENCES users (id),
    role TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (user_id, role)
);
