package dev.latchkey.benchmarks;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The database's plans for the statements of a log-in and a refresh, executed ({@code EXPLAIN
 * ANALYZE}) for one populated user inside a transaction that is rolled back. They show whether
 * every lookup is an index lookup, which is what keeps a log-in's latency flat as users grow.
 *
 * <p>The statements are copied from {@code dev.latchkey.core.store.jdbc.JdbcStore}: keep them in step.
 */
final class QueryPlans {
    private QueryPlans() {
    }

    /** Statement name → SQL, in the order a log-in then a refresh runs them. */
    private static Map<String, String> statements() {
        String userColumns = "u.id, u.user_type, u.created_at, u.disabled, u.custom_data, "
                + "i.provider_type, i.subject, i.profile, i.linked_at, i.last_login_at";
        String userJoin = " FROM latchkey_users u LEFT JOIN latchkey_identities i ON i.user_id = u.id ";
        Map<String, String> s = new LinkedHashMap<>();
        s.put("log-in: lock the identity",
                "SELECT user_id FROM latchkey_identities WHERE provider_type = ? AND subject = ? FOR UPDATE");
        s.put("log-in: touch the identity",
                "UPDATE latchkey_identities SET profile = '{\"extras\":{}}', last_login_at = 0 WHERE provider_type = ? AND subject = ?");
        s.put("log-in and refresh: load the user", "SELECT " + userColumns + userJoin + "WHERE u.id = ?" + " ORDER BY i.linked_at, i.seq");
        s.put("log-in: lock the user (open a session)", "SELECT disabled FROM latchkey_users WHERE id = ? FOR UPDATE");
        s.put("log-in: check the identity's owner (open a session)",
                "SELECT user_id FROM latchkey_identities WHERE provider_type = ? AND subject = ?");
        s.put("refresh: find the session", "SELECT id, user_id, device_id, provider_type, subject, refresh_token_hash, created_at,"
                + " expires_at FROM latchkey_sessions WHERE refresh_token_hash = ?");
        return s;
    }

    /** The plans, as Markdown, for user {@code i} and the session whose refresh token hashes to {@code refreshTokenHash}. */
    static String explain(Connection c, StoreKind kind, int i, String refreshTokenHash) throws SQLException {
        String subject = Users.subject(i);
        String userId = Users.userId(i);
        StringBuilder md = new StringBuilder();
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            for (Map.Entry<String, String> e : statements().entrySet()) {
                String sql = e.getValue();
                List<String> args = new ArrayList<>();
                if (sql.contains("provider_type = ? AND subject = ?")) {
                    args.add(BenchIdp.TYPE);
                    args.add(subject);
                } else if (sql.contains("refresh_token_hash = ?")) {
                    args.add(refreshTokenHash);
                } else {
                    args.add(userId);
                }
                String explain = (kind == StoreKind.POSTGRESQL ? "EXPLAIN (ANALYZE, BUFFERS) " : "EXPLAIN ANALYZE ") + sql;
                md.append("- ").append(e.getKey()).append(":\n\n```\n");
                try (PreparedStatement ps = c.prepareStatement(explain)) {
                    for (int a = 0; a < args.size(); a++) {
                        ps.setString(a + 1, args.get(a));
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            md.append(rs.getString(1).strip()).append('\n');
                        }
                    }
                }
                md.append("```\n\n");
            }
        } finally {
            c.rollback();
            c.setAutoCommit(auto);
        }
        return md.toString();
    }
}
