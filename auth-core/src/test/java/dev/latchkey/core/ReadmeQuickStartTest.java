package dev.latchkey.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.api.ApiKey;
import dev.latchkey.api.AuthApp;
import dev.latchkey.api.AuthService;
import dev.latchkey.api.Credentials;
import dev.latchkey.api.User;
import dev.latchkey.api.UserState;
import dev.latchkey.api.UserType;
import dev.latchkey.api.VerifiedToken;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's quick start, line for line: if this fails, the README lies. */
class ReadmeQuickStartTest {

    @Test
    void theQuickStartWorks(@TempDir Path dataDirectory) {
        // --- README: quick start, client side ---
        AuthApp app = Latchkey.app("my-app")
                .dataDirectory(dataDirectory)                 // users kept here between runs; default latchkey-data
                .config("""
                        { "providers": { "anon-user": { "enabled": true } } }
                        """)
                .build();

        User user = app.logIn(Credentials.anonymous());
        Optional<User> current = app.currentUser();          // the user that logged in last
        String token = user.validAccessToken();               // refreshed first when stale
        user.addChangeListener(change -> System.out.println(change.type() + " " + change.cause()));
        user.logOut();                                        // anonymous users are removed on log-out
        app.close();
        // --- end ---
        assertThat(current).containsSame(user);
        assertThat(token).isNotBlank();
        assertThat(user.state()).isEqualTo(UserState.REMOVED);

        // --- README: quick start, server side ---
        AuthService engine = Latchkey.service("my-app")
                .dataDirectory(dataDirectory)
                .config("""
                        { "providers": { "api-key": { "enabled": true } } }
                        """)
                .build();
        ApiKey key = engine.createServerApiKey("nightly-job");  // key.value() is shown this once
        AuthApp job = Latchkey.client(engine, Clock.systemUTC());
        User server = job.logIn(Credentials.apiKey(key.value()));
        VerifiedToken claims = engine.verify(server.validAccessToken());   // what a backend does per request
        System.out.println(claims.userId() + " " + server.type());
        job.close();
        engine.close();
        // --- end ---
        assertThat(claims.userId()).isEqualTo(server.id());
        assertThat(server.type()).isEqualTo(UserType.SERVER);
    }
}
