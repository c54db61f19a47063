package dev.latchkey.examples.quickstart;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The quick start does what the README says, and its second run starts from the session cache. */
class QuickStartTest {
    private static final Pattern SERVER_USER = Pattern.compile("logged in as server user (\\S+) ");

    @Test
    void theSecondRunRestoresTheServerUserFromTheSessionCache(@TempDir Path data) throws Exception {
        String first = run(data);
        assertThat(first).contains("empty: this is the first run", "signature (RS256), type at+jwt, issuer, audience and expiry check out",
                "the anonymous user is REMOVED");
        String serverUser = serverUser(first);
        assertThat(first).contains("now the current user: " + serverUser);

        String second = run(data);
        assertThat(second).contains("restored from the session cache, before any call to the engine:",
                "user " + serverUser + " (SERVER, LOGGED_IN, logged in with api-key)", "deleted user " + serverUser);
        assertThat(serverUser(second)).isNotEqualTo(serverUser);
    }

    @Test
    void itNeverPrintsATokenOrAKey(@TempDir Path data) throws Exception {
        String output = run(data);
        assertThat(output).doesNotContainPattern("eyJ[A-Za-z0-9_-]{10,}")   // no JWT
                .doesNotContainPattern("[A-Za-z0-9]{40,}");                  // no key value or refresh token
    }

    private static String run(Path data) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            new QuickStart(data, out).run();
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static String serverUser(String output) {
        Matcher m = SERVER_USER.matcher(output);
        assertThat(m.find()).as(output).isTrue();
        return m.group(1);
    }
}
