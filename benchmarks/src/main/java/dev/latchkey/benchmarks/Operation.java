package dev.latchkey.benchmarks;

import java.util.Locale;

/** What one measured call does. */
enum Operation {
    /** {@code AuthService.logIn} of a random existing user through {@link BenchIdp}: the identity is found, not created. */
    LOGIN("login", "log-in (existing user)"),
    /** {@code AuthService.refresh} with a random refresh token from a set made before measuring. */
    REFRESH("refresh", "refresh"),
    /** {@code AuthService.logIn(Credentials.anonymous())}: creates a user and its identity each time. */
    ANON_LOGIN("anon-login", "anonymous log-in (new user)");

    private final String option;
    private final String label;

    Operation(String option, String label) {
        this.option = option;
        this.label = label;
    }

    String label() {
        return label;
    }

    /** Whether it adds users, which would change the "existing users" of the cells measured after it. */
    boolean addsUsers() {
        return this == ANON_LOGIN;
    }

    static Operation parse(String option) {
        String o = option.trim().toLowerCase(Locale.ROOT);
        for (Operation op : values()) {
            if (op.option.equals(o)) {
                return op;
            }
        }
        throw new IllegalArgumentException("unknown operation '" + option + "': expected login, refresh or anon-login");
    }
}
