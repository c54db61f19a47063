package dev.latchkey.benchmarks;

import dev.latchkey.testkit.db.PostgresDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * What PostgreSQL does during a load: which wait events its busy backends show (sampled from
 * {@code pg_stat_activity}) and what the tables saw (updates and how many were HOT, shared-buffer
 * hits and reads, growth). The sampler costs CPU itself, so it runs in a pass of its own after
 * the measured cells, never during them.
 */
final class PostgresDiagnostics implements AutoCloseable {
    private static final String[] TABLES = {"latchkey_users", "latchkey_identities", "latchkey_sessions"};

    private final Connection connection;
    private final Map<String, Integer> waits = new TreeMap<>();
    private volatile boolean sampling;
    private Thread sampler;
    private int samples;

    PostgresDiagnostics(PostgresDatabase db) throws SQLException {
        this.connection = db.connect();
    }

    /** Per table: n_tup_upd, n_tup_hot_upd, heap_blks_read, heap_blks_hit, idx_blks_read, idx_blks_hit, size in bytes. */
    Map<String, long[]> tableStats() throws SQLException {
        try (Statement s = connection.createStatement()) {
            // Backends report their counters at most once a second; wait for them.
            s.execute("SELECT pg_sleep(1.2)");
            s.execute("SELECT pg_stat_clear_snapshot()");
        }
        Map<String, long[]> out = new LinkedHashMap<>();
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT t.n_tup_upd, t.n_tup_hot_upd, io.heap_blks_read, io.heap_blks_hit, io.idx_blks_read, io.idx_blks_hit,"
                        + " pg_total_relation_size(t.relid)"
                        + " FROM pg_stat_user_tables t JOIN pg_statio_user_tables io ON io.relid = t.relid WHERE t.relname = ?")) {
            for (String table : TABLES) {
                ps.setString(1, table);
                try (ResultSet rs = ps.executeQuery()) {
                    long[] v = new long[7];
                    if (rs.next()) {
                        for (int i = 0; i < v.length; i++) {
                            v[i] = rs.getLong(i + 1);
                        }
                    }
                    out.put(table, v);
                }
            }
        }
        return out;
    }

    String setting(String name) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT current_setting(?)")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : "?";
            }
        }
    }

    void startSampling() {
        waits.clear();
        samples = 0;
        sampling = true;
        sampler = new Thread(() -> {
            try (PreparedStatement ps = connection.prepareStatement(
                    "SELECT coalesce(wait_event_type || ':' || wait_event, 'on CPU') FROM pg_stat_activity"
                            + " WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'active'"
                            + " AND backend_type = 'client backend'")) {
                while (sampling) {
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            waits.merge(rs.getString(1), 1, Integer::sum);
                        }
                    }
                    samples++;
                    TimeUnit.MILLISECONDS.sleep(10);
                }
            } catch (SQLException | InterruptedException e) {
                Progress.say("wait-event sampling stopped: %s", e);
            }
        }, "bench-pg-sampler");
        sampler.start();
    }

    /** Stops sampling; the wait events seen, as a share of the samples of active backends. */
    String stopSampling() throws InterruptedException {
        sampling = false;
        sampler.join();
        int total = waits.values().stream().mapToInt(Integer::intValue).sum();
        StringBuilder out = new StringBuilder();
        waits.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue()).forEach(e -> out.append(String.format(Locale.ROOT,
                "%s %.0f%%, ", e.getKey(), 100.0 * e.getValue() / Math.max(1, total))));
        return String.format(Locale.ROOT, "%s(%,d samples of active backends in %,d polls)",
                out, total, samples);
    }

    /** Markdown rows: what each table saw between two {@link #tableStats()} snapshots. */
    static String delta(Map<String, long[]> before, Map<String, long[]> after) {
        StringBuilder md = new StringBuilder();
        for (String table : TABLES) {
            long[] a = before.get(table);
            long[] b = after.get(table);
            long upd = b[0] - a[0];
            long hot = b[1] - a[1];
            long heapRead = b[2] - a[2];
            long heapHit = b[3] - a[3];
            long idxRead = b[4] - a[4];
            long idxHit = b[5] - a[5];
            md.append(String.format(Locale.ROOT, "| %s | %,d | %s | %s | %s | %,d MB → %,d MB |%n", table, upd,
                    upd == 0 ? "-" : String.format(Locale.ROOT, "%.0f%%", 100.0 * hot / upd),
                    ratio(heapHit, heapRead), ratio(idxHit, idxRead), a[6] >> 20, b[6] >> 20));
        }
        return md.toString();
    }

    private static String ratio(long hit, long read) {
        long all = hit + read;
        return all == 0 ? "-" : String.format(Locale.ROOT, "%.1f%% (%,d reads)", 100.0 * hit / all, read);
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
