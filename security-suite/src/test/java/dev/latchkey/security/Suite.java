package dev.latchkey.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.latchkey.api.AuthException;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.core.config.StoreSettings;
import dev.latchkey.core.store.jdbc.JdbcStore;
import dev.latchkey.core.store.jdbc.JdbcStores;
import dev.latchkey.server.LatchkeyServer;
import dev.latchkey.server.ServerOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import okhttp3.Headers;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;
import java.util.HexFormat;
import java.util.UUID;
import java.util.function.Supplier;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/**
 * What the suite's tests share: a real H2 store whose whole content a test can read back (to
 * prove a secret is stored only as a hash, or an injected identifier as a literal), and the
 * base64url pieces of a compact JWT, to forge hostile variants of a genuine token.
 */
final class Suite {
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    private Suite() {
    }

    /** A named in-memory H2 database: the engine's JDBC store, and a side door to read everything it wrote. */
    static final class H2 {
        final String url = "jdbc:h2:mem:suite-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        private final Path dataDirectory;
        private final Connection keepAlive;

        H2(Path dataDirectory) {
            this.dataDirectory = dataDirectory;
            try {
                // Held open so the database outlives the engine's pool and can still be read after close.
                keepAlive = DriverManager.getConnection(url);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }

        /** For {@code EngineHarness.Builder.store}: a migrated JDBC store on this database. */
        Supplier<JdbcStore> store(String appId) {
            return () -> JdbcStores.open(new StoreSettings(url, null, null, 4), dataDirectory, appId);
        }

        /** Every row of every table, as H2's SCRIPT statement writes it (INSERT statements). */
        String dump() {
            StringBuilder all = new StringBuilder();
            try (Statement s = keepAlive.createStatement(); ResultSet rows = s.executeQuery("SCRIPT NOSETTINGS")) {
                while (rows.next()) {
                    all.append(rows.getString(1)).append('\n');
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
            return all.toString();
        }

        /** Asserts that a secret appears nowhere in the database: not as text, nor as the hex of its bytes. */
        void assertNotStored(String label, String secret) {
            String dump = dump();
            assertThat(dump).as("the database must hold data").contains("INSERT INTO");
            assertThat(dump.contains(secret)).as(label + " stored in clear").isFalse();
            String hex = HexFormat.of().formatHex(secret.getBytes(StandardCharsets.UTF_8));
            assertThat(dump.toLowerCase().contains(hex)).as(label + " stored as bytes").isFalse();
        }

        void close() {
            try {
                keepAlive.close();
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    // ---- compact JWTs ------------------------------------------------------------------------

    static String[] parts(String jwt) {
        return jwt.split("\\.", -1);
    }

    static JsonObject header(String jwt) {
        return JsonParser.parseString(new String(B64D.decode(parts(jwt)[0]), StandardCharsets.UTF_8)).getAsJsonObject();
    }

    static JsonObject claims(String jwt) {
        return JsonParser.parseString(new String(B64D.decode(parts(jwt)[1]), StandardCharsets.UTF_8)).getAsJsonObject();
    }

    static String b64(String text) {
        return B64.encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    static String b64(byte[] bytes) {
        return B64.encodeToString(bytes);
    }

    /** A genuine token with its header replaced and its original signature kept. */
    static String withHeader(String jwt, JsonObject header) {
        String[] p = parts(jwt);
        return b64(header.toString()) + "." + p[1] + "." + p[2];
    }

    // ---- the server over HTTP ----------------------------------------------------------------

    /** The App Services client API's prefix for the server's default app. */
    static final String APP = "/api/client/v2.0/app/latchkey";
    /** The session routes (refresh, log out). */
    static final String SESSION = "/api/client/v2.0/auth/session";

    /** A real {@link LatchkeyServer} on 127.0.0.1 with an ephemeral port, and a client for it. */
    static final class Server implements AutoCloseable {
        final LatchkeyServer server;
        private final OkHttpClient http = new OkHttpClient.Builder().callTimeout(Duration.ofSeconds(30)).build();

        Server(Path data, String configJson) {
            server = LatchkeyServer.start(ServerOptions.defaults().withPort(0).withDataDirectory(data).withConfigJson(configJson));
        }

        Reply call(String method, String path, String json, String bearer) throws IOException {
            Request.Builder b = new Request.Builder().url(server.url() + path);
            RequestBody body = json != null ? RequestBody.create(json, MediaType.get("application/json"))
                    : method.equals("POST") ? RequestBody.create(new byte[0]) : null;
            b.method(method, body);
            if (bearer != null) {
                b.header("Authorization", "Bearer " + bearer);
            }
            try (Response r = http.newCall(b.build()).execute()) {
                return new Reply(r.code(), r.headers(), r.body().string());
            }
        }

        /** Registers an email/password account, and checks that the server took it. */
        void register(String email, String password) throws IOException {
            JsonObject body = new JsonObject();
            body.addProperty("email", email);
            body.addProperty("password", password);
            Reply reply = call("POST", APP + "/auth/providers/local-userpass/register", body.toString(), null);
            assertThat(reply.status()).as(reply.body()).isBetween(200, 204);
        }

        Reply logIn(String provider, JsonObject payload) throws IOException {
            return call("POST", APP + "/auth/providers/" + provider + "/login", payload.toString(), null);
        }

        @Override
        public void close() {
            server.close();
            http.dispatcher().executorService().shutdown();
            http.connectionPool().evictAll();
        }
    }

    /** What the server answered. */
    record Reply(int status, Headers headers, String body) {
        JsonObject json() {
            return JsonParser.parseString(body).getAsJsonObject();
        }

        String errorCode() {
            return json().get("error_code").getAsString();
        }
    }

    static JsonObject emailPassword(String email, String password) {
        JsonObject o = new JsonObject();
        o.addProperty("username", email);
        o.addProperty("password", password);
        return o;
    }

    // ---- refusals ----------------------------------------------------------------------------

    /** Runs a call that must be refused, and returns the refusal after checking its code. */
    static AuthException refused(ErrorCode code, ThrowingCallable call) {
        AuthException e = catchThrowableOfType(AuthException.class, call);
        assertThat(e).as("an AuthException (" + code + ")").isNotNull();
        assertThat(e.code()).as("code of: " + e.getMessage()).isEqualTo(code);
        return e;
    }
}
