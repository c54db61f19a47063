package dev.latchkey.core.store.jdbc;

import java.sql.SQLException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** The databases the JDBC store runs on, and the little that differs between them. */
enum Dialect {
    H2("classpath:db/latchkey/h2"),
    POSTGRESQL("classpath:db/latchkey/postgresql");

    /** Unique or primary key violated: a racing insert won. Same code on both databases. */
    private static final String UNIQUE_VIOLATION = "23505";
    /**
     * Worth running the transaction again: serialization failure, deadlock (PostgreSQL 40P01,
     * H2 40001), and a unique key a racing transaction took first. Not a lock timeout (H2 HYT00,
     * PostgreSQL 55P03): a lock held that long is stuck, and waiting again would only multiply it.
     */
    private static final Set<String> RETRYABLE = Set.of("40001", "40P01", UNIQUE_VIOLATION);
    /** What {@link #sqlState} says of an error that carries no SQL state. */
    static final String NO_STATE = "none";

    private final String migrations;

    Dialect(String migrations) {
        this.migrations = migrations;
    }

    /** Where this dialect's Flyway migrations are. */
    String migrations() {
        return migrations;
    }

    /**
     * The dialect of a JDBC URL.
     *
     * @param jdbcUrl the URL
     * @return the dialect, or empty for a database we do not support
     */
    static Optional<Dialect> of(String jdbcUrl) {
        String url = jdbcUrl.toLowerCase(Locale.ROOT);
        if (url.startsWith("jdbc:h2:")) {
            return Optional.of(H2);
        }
        if (url.startsWith("jdbc:postgresql:")) {
            return Optional.of(POSTGRESQL);
        }
        return Optional.empty();
    }

    /**
     * A text column, for comparing and ordering by UTF-16 code unit as {@link String#compareTo}
     * does (for the ASCII of our ids, byte order). PostgreSQL otherwise orders by the database's
     * collation (en_US sorts "a" before "B" and skips '-' and '_'), so a store on it would page in
     * another order than the others; the "C" collation is byte order, and V2 indexes it. H2
     * compares strings with {@code String.compareTo} already.
     */
    String inCodeOrder(String column) {
        return this == POSTGRESQL ? column + " COLLATE \"C\"" : column;
    }

    /**
     * A text to compare stored values with, taken literally. PostgreSQL refuses NUL in text, so
     * there no stored value holds one, and comparing with the text cut before its first NUL gives
     * the same answer for every stored value: {@code v > "ab\0x"} exactly when {@code v > "ab"}
     * (a value that starts with "ab" and is longer continues with a character above NUL).
     */
    String comparableLiteral(String text) {
        int nul = text.indexOf('\0');
        return this == POSTGRESQL && nul >= 0 ? text.substring(0, nul) : text;
    }

    static boolean isRetryable(SQLException e) {
        return RETRYABLE.contains(sqlState(e));
    }

    /**
     * The SQL state, looking through batch and chained exceptions (H2 and Hikari wrap them), or
     * {@link #NO_STATE}: Hikari's "connection is closed" carries no state.
     */
    static String sqlState(SQLException e) {
        for (SQLException s = e; s != null; s = s.getNextException()) {
            if (s.getSQLState() != null) {
                return s.getSQLState();
            }
        }
        return e.getCause() instanceof SQLException cause ? sqlState(cause) : NO_STATE;
    }
}
