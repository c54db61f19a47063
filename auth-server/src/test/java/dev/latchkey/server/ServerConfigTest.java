package dev.latchkey.server;

import dev.latchkey.api.AuthException;
import dev.latchkey.api.ErrorCode;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The server section: read, checked, taken out of what the engine gets. */
class ServerConfigTest {
    @Test
    void theServerSectionIsTakenOutAndTheRestGoesToTheEngine() {
        ServerConfig c = ServerConfig.parse("""
                { "server": { "publicUrl": "https://auth.example.com/", "cors": { "allowedOrigins": ["https://app.example.com"] },
                              "maxBodyBytes": 4096, "trustedProxies": ["10.0.0.5", "10.1.0.0/16"],
                              "adminKey": "0123456789abcdef0123456789abcdef" },
                  "providers": { "anon-user": { "enabled": true } } }
                """);
        assertThat(c.publicUrl()).hasToString("https://auth.example.com");
        assertThat(c.allowedOrigins()).containsExactly("https://app.example.com");
        assertThat(c.maxBodyBytes()).isEqualTo(4096);
        assertThat(c.adminKey()).isEqualTo("0123456789abcdef0123456789abcdef");
        assertThat(c.engineJson()).doesNotContain("server").contains("anon-user");
        assertThat(c.toString()).doesNotContain("0123456789abcdef");
    }

    @Test
    void withoutASectionTheDefaultsHold() {
        ServerConfig c = ServerConfig.parse("{}");
        assertThat(c.publicUrl()).isNull();
        assertThat(c.allowedOrigins()).isEmpty();
        assertThat(c.maxBodyBytes()).isEqualTo(64 * 1024);
        assertThat(c.trustedProxies().isEmpty()).isTrue();
    }

    @Test
    void unknownKeysAreRefusedByName() {
        assertConfigError("{ \"server\": { \"port\": 1, \"colour\": 2 } }", "server: unknown keys colour, port");
        assertConfigError("{ \"server\": { \"cors\": { \"origins\": [] } } }", "server.cors: unknown key origins");
    }

    @Test
    void badValuesAreRefusedNamingTheKeyNotTheSecret() {
        assertConfigError("{ \"server\": { \"publicUrl\": \"ftp://x\" } }", "server.publicUrl");
        assertConfigError("{ \"server\": { \"publicUrl\": \"https://x/path\" } }", "server.publicUrl");
        assertConfigError("{ \"server\": { \"cors\": { \"allowedOrigins\": [\"*\"] } } }", "'*'");
        assertConfigError("{ \"server\": { \"cors\": { \"allowedOrigins\": [\"https://a.com/\"] } } }", "trailing");
        assertConfigError("{ \"server\": { \"maxBodyBytes\": 10 } }", "server.maxBodyBytes");
        assertConfigError("{ \"server\": { \"maxBodyBytes\": \"big\" } }", "server.maxBodyBytes");
        assertConfigError("{ \"server\": { \"trustedProxies\": [\"proxy.example.com\"] } }", "server.trustedProxies");
        assertConfigError("{ \"server\": { \"trustedProxies\": [\"10.0.0.0/33\"] } }", "server.trustedProxies");
        assertConfigError("{ \"server\": [] }", "server: expected an object");
        assertConfigError("{ \"server\": {}, \"server\": {} }", "not valid JSON");
        assertThatThrownBy(() -> ServerConfig.parse("{ \"server\": { \"adminKey\": \"short-secret-value\" } }"))
                .hasMessageContaining("server.adminKey").hasMessageNotContaining("short-secret-value");
    }

    @Test
    void theEngineStillRefusesItsOwnUnknownKeys() {
        assertThatThrownBy(() -> LatchkeyServer.start(ServerOptions.defaults().withPort(0)
                .withConfigJson("{ \"server\": {}, \"nonsense\": 1 }")))
                .isInstanceOf(AuthException.class).hasMessageContaining("nonsense");
    }

    @Test
    void xForwardedForIsBelievedOnlyFromATrustedProxy() throws Exception {
        InetAddress proxy = InetAddress.getByName("10.0.0.5");
        InetAddress stranger = InetAddress.getByName("203.0.113.9");
        TrustedProxies trusted = TrustedProxies.parse(List.of("10.0.0.0/24"));
        assertThat(TrustedProxies.NONE.clientAddress(proxy, List.of("198.51.100.1"))).isEqualTo(proxy);
        assertThat(trusted.clientAddress(stranger, List.of("198.51.100.1"))).isEqualTo(stranger);
        assertThat(trusted.clientAddress(proxy, List.of("198.51.100.1"))).isEqualTo(InetAddress.getByName("198.51.100.1"));
        // The right-most untrusted hop: a client cannot prepend its way to another address.
        assertThat(trusted.clientAddress(proxy, List.of("1.2.3.4, 198.51.100.1, 10.0.0.7"))).isEqualTo(InetAddress.getByName("198.51.100.1"));
        // Not an address: the walk stops at the hop that sent it, and nothing is resolved by DNS.
        assertThat(trusted.clientAddress(proxy, List.of("evil.example.com"))).isEqualTo(proxy);
        assertThat(trusted.clientAddress(proxy, List.of("[2001:db8::1]"))).isEqualTo(InetAddress.getByName("2001:db8::1"));
    }

    private static void assertConfigError(String json, String expected) {
        assertThatThrownBy(() -> ServerConfig.parse(json)).isInstanceOf(AuthException.class)
                .satisfies(e -> assertThat(((AuthException) e).code()).isEqualTo(ErrorCode.CONFIGURATION))
                .hasMessageContaining(expected);
    }
}
