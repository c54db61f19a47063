package dev.latchkey.benchmarks;

import java.util.Locale;

/** The stores measured; {@link #MEMORY} is the baseline every ratio is taken against. */
enum StoreKind {
    MEMORY("memory", "in-memory"),
    H2("h2", "H2 (file)"),
    POSTGRESQL("postgresql", "PostgreSQL");

    private final String option;
    private final String label;

    StoreKind(String option, String label) {
        this.option = option;
        this.label = label;
    }

    String label() {
        return label;
    }

    static StoreKind parse(String option) {
        String o = option.trim().toLowerCase(Locale.ROOT);
        for (StoreKind k : values()) {
            if (k.option.equals(o) || (k == MEMORY && o.equals("in-memory")) || (k == POSTGRESQL && (o.equals("pg") || o.equals("postgres")))) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown store '" + option + "': expected memory, h2 or postgresql (or postgres, pg)");
    }
}
