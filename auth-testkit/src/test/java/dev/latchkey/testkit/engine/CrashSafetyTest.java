package dev.latchkey.testkit.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.api.AuthService;
import dev.latchkey.core.Latchkey;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills an engine in the middle of a stream of log-ins, again and again on one data directory,
 * and checks after every restart that each log-in that had returned is still there (user and
 * session), that no half-made user exists, and that the store opens cleanly.
 */
class CrashSafetyTest {
    private static final int ROUNDS = 20;

    @TempDir
    Path dataDirectory;

    @Test
    void everyLogInThatReturnedSurvivesTheProcessBeingKilled() throws Exception {
        Map<String, String> acknowledged = new LinkedHashMap<>();   // user id -> refresh token
        Map<String, Integer> roundOf = new LinkedHashMap<>();
        Random random = new Random(20261128L);
        for (int round = 0; round < ROUNDS; round++) {
            int killAfter = 5 + random.nextInt(40);
            Map<String, String> seen = runAndKill(killAfter, round);
            acknowledged.putAll(seen);
            for (String id : seen.keySet()) {
                roundOf.put(id, round);
            }

            try (AuthService engine = Latchkey.service("crash-app").dataDirectory(dataDirectory).config(LogInStream.CONFIG).build()) {
                List<String> lost = new java.util.ArrayList<>();
                for (Map.Entry<String, String> login : acknowledged.entrySet()) {
                    if (engine.findUser(login.getKey()).isEmpty()) {
                        lost.add(login.getKey() + " (acknowledged in round " + roundOf.get(login.getKey()) + ")");
                        continue;
                    }
                    assertThat(engine.refresh(login.getValue()).user().id()).as("round %d: its session", round)
                            .isEqualTo(login.getKey());
                }
                assertThat(lost).as("round %d: users whose log-in returned, missing after the restart", round).isEmpty();
            }
            assertThat(usersWithoutIdentities()).as("round %d: half-made users", round).isZero();
        }
        assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(ROUNDS * 5);
    }

    /** Starts the child, reads its acknowledgements, and kills it after {@code killAfter} of them. */
    private Map<String, String> runAndKill(int killAfter, int round) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process child = new ProcessBuilder(List.of(java, "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                LogInStream.class.getName(), dataDirectory.toString()))
                .redirectError(dataDirectory.resolve("child-" + round + ".log").toFile())
                .start();
        Map<String, String> seen = new LinkedHashMap<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("OK ")) {
                    String[] parts = line.split(" ");
                    seen.put(parts[1], parts[2]);
                    if (seen.size() >= killAfter) {
                        break;
                    }
                }
            }
        } finally {
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("the child died").isTrue();
        }
        assertThat(seen).as("round %d: the child logged users in before it was killed (see %s)", round,
                dataDirectory.resolve("child-" + round + ".log")).hasSize(killAfter);
        return seen;
    }

    /** Straight from the database: users whose creation was cut in half would have no identity. */
    private long usersWithoutIdentities() throws IOException, java.sql.SQLException {
        String url = "jdbc:h2:file:" + dataDirectory.resolve("crash-app").resolve("store");
        try (Connection c = DriverManager.getConnection(url);
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM latchkey_users u WHERE NOT EXISTS"
                     + " (SELECT 1 FROM latchkey_identities i WHERE i.user_id = u.id)")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
