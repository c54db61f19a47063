package dev.latchkey.testkit.db;

import java.util.regex.Pattern;

/**
 * Small edits of {@code jdbc:postgresql:} URLs: the forms {@code jdbc:postgresql:db},
 * {@code jdbc:postgresql:/}, {@code jdbc:postgresql://host[:port][,host2[:port]]/[db]} and any of
 * them followed by {@code ?params}.
 */
final class JdbcUrls {
    static final String PREFIX = "jdbc:postgresql:";

    private static final Pattern PASSWORD_PARAM = Pattern.compile("(?i)([?&]password=)[^&]*");

    private JdbcUrls() {
    }

    /** The same server and parameters, another database. */
    static String withDatabase(String url, String database) {
        Parts p = split(url);
        return PREFIX + (p.hosts == null ? "" : p.hosts + "/") + database + p.params;
    }

    /** The database the URL names, or "" when it names none. */
    static String databaseOf(String url) {
        return split(url).database;
    }

    /** The URL with the value of any {@code password} parameter replaced by {@code <hidden>}. */
    static String redact(String url) {
        return PASSWORD_PARAM.matcher(url).replaceAll("$1<hidden>");
    }

    private static Parts split(String url) {
        if (!url.startsWith(PREFIX)) {
            throw new IllegalArgumentException("not a PostgreSQL JDBC URL (it must start with " + PREFIX + ")");
        }
        String rest = url.substring(PREFIX.length());
        int q = rest.indexOf('?');
        String params = q < 0 ? "" : rest.substring(q);
        String main = q < 0 ? rest : rest.substring(0, q);
        if (main.startsWith("//")) {
            int slash = main.indexOf('/', 2);
            return slash < 0
                    ? new Parts(main, "", params)
                    : new Parts(main.substring(0, slash), main.substring(slash + 1), params);
        }
        return new Parts(null, main.startsWith("/") ? main.substring(1) : main, params);
    }

    private record Parts(String hosts, String database, String params) {
    }
}
