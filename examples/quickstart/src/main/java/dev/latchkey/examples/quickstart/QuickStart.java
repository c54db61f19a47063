package dev.latchkey.examples.quickstart;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.latchkey.api.ApiKey;
import dev.latchkey.api.AuthApp;
import dev.latchkey.api.AuthService;
import dev.latchkey.api.Credentials;
import dev.latchkey.api.User;
import dev.latchkey.core.Latchkey;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Set;
import java.util.logging.LogManager;

/**
 * The README's main job, on the embedded default (an H2 file and the session cache under the
 * data directory, no configuration file): log in anonymously, create a server API key and log in
 * with it, verify an access token as another service would (against the published JWK Set), log
 * out; and, on the next run, find the server user restored from the session cache without asking
 * the engine.
 *
 * <pre>{@code java -jar examples/quickstart/target/latchkey-quickstart.jar [data directory]}</pre>
 */
public final class QuickStart {
    static final String APP_ID = "quickstart";
    static final String CONFIG = """
            { "providers": { "anon-user": { "enabled": true }, "api-key": { "enabled": true } } }
            """;

    private final Path dataDirectory;
    private final PrintStream out;

    QuickStart(Path dataDirectory, PrintStream out) {
        this.dataDirectory = dataDirectory;
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        try (InputStream logging = QuickStart.class.getResourceAsStream("/quickstart-logging.properties")) {
            LogManager.getLogManager().readConfiguration(logging);
        }
        Path dataDirectory = Path.of(args.length > 0 ? args[0] : "latchkey-data");
        new QuickStart(dataDirectory, System.out).run();
    }

    void run() throws Exception {
        out.println("Latchkey quick start: app '" + APP_ID + "', data in " + dataDirectory.toAbsolutePath().normalize());
        try (AuthService engine = Latchkey.service(APP_ID).dataDirectory(dataDirectory).config(CONFIG).build();
             AuthApp app = Latchkey.client(engine, Clock.systemUTC(), dataDirectory)) {

            step("Session cache");
            if (app.currentUser().isPresent()) {
                User restored = app.currentUser().get();
                out.println("  restored from the session cache, before any call to the engine:");
                out.println("  user " + restored.id() + " (" + restored.type() + ", " + restored.state() + ", logged in with "
                        + restored.providerType() + ")");
                out.println("  logging it out, with the API key it used: the run below makes new ones");
                String keyId = restored.identities().get(0).subject();
                restored.logOut();
                engine.deleteUser(restored.id());
                out.println("  deleted user " + restored.id() + " and its key " + keyId);
            } else {
                out.println("  empty: this is the first run with this data directory");
            }

            step("1. Anonymous log-in");
            User visitor = app.logIn(Credentials.anonymous());
            out.println("  user " + visitor.id() + ", " + visitor.state() + ", device " + visitor.deviceId());

            step("2. A server API key, and a log-in with it");
            ApiKey key = engine.createServerApiKey("quickstart-job");
            out.println("  created key '" + key.name() + "' (id " + key.id() + "); its value is shown to its owner once, not here");
            User job = app.logIn(Credentials.apiKey(key.value()));
            out.println("  logged in as server user " + job.id() + " (" + job.type() + "), now the current user: "
                    + app.currentUser().map(User::id).orElse("none"));

            step("3. Verify an access token as another service would: against the published JWK Set");
            JWTClaimsSet claims = verifyWithJwks(engine.jwks(), job.validAccessToken());
            out.println("  signature (RS256), type at+jwt, issuer, audience and expiry check out: sub=" + claims.getSubject()
                    + ", iss=" + claims.getIssuer() + ", exp=" + claims.getExpirationTime().toInstant());

            step("4. Log out");
            visitor.logOut();
            out.println("  the anonymous user is " + visitor.state() + " (anonymous users cannot log in again)");
            out.println("  the server user stays logged in: run again to see it restored from the session cache");
        }
    }

    /** What a backend does with a token: Nimbus, the published keys, and the claims it must insist on. */
    static JWTClaimsSet verifyWithJwks(String jwks, String accessToken) throws Exception {
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(new JOSEObjectType("at+jwt")));
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256, new ImmutableJWKSet<>(JWKSet.parse(jwks))));
        processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(APP_ID,
                new JWTClaimsSet.Builder().issuer("latchkey:" + APP_ID).build(), Set.of("sub", "exp", "iat")));
        return processor.process(accessToken, null);
    }

    private void step(String title) {
        out.println();
        out.println(title);
    }
}
