package dev.latchkey.server;

import dev.latchkey.testkit.Race;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static dev.latchkey.server.TestServer.APP;
import static dev.latchkey.server.TestServer.AUTH;
import static dev.latchkey.server.TestServer.emailPassword;
import static org.assertj.core.api.Assertions.assertThat;

/** Many clients at once over HTTP: no 5xx, one user per account, and a log-out that holds. */
class RaceTest {
    @TempDir
    static Path data;
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(data);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void racingLogInsToOneAccountAllSucceedAsOneUser() throws Exception {
        server.post(APP + "/auth/providers/local-userpass/register", "{\"email\":\"race@example.com\",\"password\":\"correct horse\"}");
        List<TestServer.Reply> replies = Race.run(8, i -> server.logIn("local-userpass", emailPassword("race@example.com", "correct horse")));
        assertThat(replies).allSatisfy(r -> assertThat(r.status()).isEqualTo(200));
        assertThat(replies.stream().map(r -> r.string("user_id")).distinct()).hasSize(1);
        assertThat(replies.stream().map(r -> r.string("refresh_token")).distinct()).hasSize(8);
    }

    @Test
    void racingRefreshesAndALogOutEndWithTheSessionClosed() throws Exception {
        String refresh = server.logIn("anon-user", "{}").string("refresh_token");
        List<TestServer.Reply> replies = Race.run(12, i -> i == 6
                ? server.call("DELETE", AUTH + "/session", null, refresh)
                : server.call("POST", AUTH + "/session", null, refresh));
        for (TestServer.Reply r : replies) {
            assertThat(r.status()).isIn(201, 204, 401);
            if (r.status() == 401) {
                assertThat(r.errorCode()).isEqualTo("InvalidSession");
            }
        }
        TestServer.Reply after = server.call("POST", AUTH + "/session", null, refresh);
        assertThat(after.status()).isEqualTo(401);
        assertThat(after.errorCode()).isEqualTo("InvalidSession");
    }

    @Test
    void racingAnonymousLogInsMakeDistinctUsers() throws Exception {
        List<TestServer.Reply> replies = Race.run(10, i -> server.logIn("anon-user", "{}"));
        assertThat(replies).allSatisfy(r -> assertThat(r.status()).isEqualTo(200));
        assertThat(replies.stream().map(r -> r.string("user_id")).distinct()).hasSize(10);
    }
}
