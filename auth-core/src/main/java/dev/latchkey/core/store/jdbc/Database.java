package dev.latchkey.core.store.jdbc;

import dev.latchkey.api.AuthException;
import dev.latchkey.api.ErrorCode;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;

/**
 * Runs units of work in transactions on a pooled data source. A unit that loses a race (a
 * deadlock, a serialization failure, a unique key another transaction took first) is rolled back
 * and run again: each unit reads before it writes, so the next attempt sees what the winner did
 * and decides afresh.
 */
final class Database {
    private static final System.Logger LOG = System.getLogger(Database.class.getName());
    /**
     * How long a unit that keeps losing races is retried. A lock wait is bounded by the database
     * (H2 LOCK_TIMEOUT, PostgreSQL lock_timeout) and is not retried.
     */
    private static final long RETRY_BUDGET_NANOS = 20_000_000_000L;

    private final DataSource dataSource;
    private final Dialect dialect;
    /**
     * H2 only: one transaction at a time. H2 2.5's MVStore.commit, when it waited for another
     * thread's store, reads as if it returns once the version has moved, though that store may have
     * captured the maps before this transaction's commit mark; serializing makes every commit store
     * its own changes. That reading was never shown by a test: the log-ins CrashSafetyTest lost, as
     * far as they were analysed, were lost by H2's recovery after the kill, which {@link H2Recovery}
     * mends. H2 is the single-process default; PostgreSQL is the store for concurrency.
     */
    private final ReentrantLock serial;

    Database(DataSource dataSource, Dialect dialect) {
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.serial = dialect == Dialect.H2 ? new ReentrantLock(true) : null;
    }

    /** The database this runs on, for the little SQL that differs. */
    Dialect dialect() {
        return dialect;
    }


    /** Work inside one transaction. It may run more than once, so it must have no other effects. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    /**
     * Runs work in a READ COMMITTED transaction, retried for up to 20 s when it loses a race
     * (deadlock, serialization failure, a unique key taken by a racing insert). Each unit locks
     * the rows it depends on ({@code SELECT ... FOR UPDATE}) before it writes, which is what
     * makes it atomic against the others.
     *
     * @param what what the work does, for messages
     * @param work the work
     * @return what it returned
     */
    <T> T transaction(String what, Work<T> work) {
        if (serial == null) {
            return run(what, work);
        }
        serial.lock();
        try {
            return run(what, work);
        } finally {
            serial.unlock();
        }
    }

    private <T> T run(String what, Work<T> work) {
        long deadline = System.nanoTime() + RETRY_BUDGET_NANOS;
        for (int attempt = 1; ; attempt++) {
            Connection c = connection(what);
            boolean committed = false;
            try {
                T result = work.run(c);
                c.commit();
                committed = true;
                return result;
            } catch (SQLException e) {
                rollback(c);
                if (Dialect.isRetryable(e) && System.nanoTime() - deadline < 0) {
                    backOff(attempt);
                    continue;
                }
                throw failure(what, e);
            } catch (RuntimeException | Error e) {
                rollback(c);
                throw e;
            } finally {
                // After a commit, a failure to hand the connection back must not report the
                // committed work as failed: the caller might do it twice.
                close(c, committed);
            }
        }
    }

    private Connection connection(String what) {
        try {
            // The pool's connections are set up once for autocommit off and READ COMMITTED (JdbcStores).
            return dataSource.getConnection();
        } catch (SQLException e) {
            throw failure(what, e);
        }
    }

    private static void close(Connection c, boolean committed) {
        try {
            c.close();
        } catch (SQLException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing a connection {0} failed: SQL state {1}",
                    committed ? "after a commit" : "after a rollback", Dialect.sqlState(e));
        }
    }

    /**
     * The error an application sees when the database fails. It names the SQL state, never the
     * database's own message: that can quote the values of the statement (a subject, an email).
     */
    static AuthException failure(String what, SQLException e) {
        String state = Dialect.sqlState(e);
        LOG.log(System.Logger.Level.WARNING, "the store could not {0}: SQL state {1}, {2}", what, state,
                e.getClass().getSimpleName());
        return new AuthException(ErrorCode.INTERNAL, "the store could not " + what + " (SQL state " + state + ")");
    }

    private static void rollback(Connection c) {
        try {
            c.rollback();
        } catch (SQLException e) {
            // The connection is broken; the pool discards it, and the transaction died with it.
            LOG.log(System.Logger.Level.DEBUG, "rollback failed: SQL state {0}", Dialect.sqlState(e));
        }
    }

    /** A short random pause so racing retries do not collide again in lock step. */
    private static void backOff(int attempt) {
        long maxMicros = Math.min(50_000L, 500L << Math.min(attempt, 6));
        LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(maxMicros) * 1_000L);
    }
}
