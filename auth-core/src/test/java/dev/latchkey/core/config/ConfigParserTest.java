package dev.latchkey.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.api.AuthException;
import dev.latchkey.api.ErrorCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigParserTest {

    @Test
    void everyKeyIsOptional() {
        LatchkeyConfig config = ConfigParser.parse("{}");
        assertThat(config.providers()).isEmpty();
        assertThat(config.tokens()).isEqualTo(TokenSettings.DEFAULTS);
        assertThat(config.tokens().accessTokenTtl()).isEqualTo(Duration.ofMinutes(30));
        assertThat(config.tokens().refreshTokenTtl()).isEqualTo(Duration.ofDays(60));
        assertThat(config.store()).isEqualTo(StoreSettings.DEFAULT);
    }

    @Test
    void readsTheDesignExample() {
        LatchkeyConfig config = ConfigParser.parse("""
                {
                  "providers": {
                    "anon-user":      { "enabled": true },
                    "api-key":        { "enabled": true },
                    "local-userpass": { "enabled": true, "autoConfirm": true },
                    "custom-token":   { "enabled": false, "signingAlgorithm": "RS256", "jwkURI": "https://example.com/jwks" }
                  },
                  "tokens": { "accessTokenTtl": "PT30M", "refreshTokenTtl": "P60D", "refreshTokenRotation": false },
                  "store":  { "jdbcUrl": "jdbc:postgresql://db/latchkey", "username": "app", "password": "s3cret-pw" }
                }
                """);
        assertThat(config.isEnabled("anon-user")).isTrue();
        assertThat(config.isEnabled("custom-token")).isFalse();
        assertThat(config.isEnabled("oauth2-google")).isFalse();
        assertThat(config.providers().get("local-userpass").settings().get("autoConfirm").getAsBoolean()).isTrue();
        assertThat(config.providers().get("local-userpass").settings().has("enabled")).isFalse();
        assertThat(config.store().jdbcUrl()).isEqualTo("jdbc:postgresql://db/latchkey");
        assertThat(config.store().toString()).doesNotContain("s3cret-pw");
    }

    @Test
    void providerSettingsCannotBeChangedThroughTheParsedConfig() {
        LatchkeyConfig config = ConfigParser.parse("{\"providers\": {\"x\": {\"enabled\": true, \"a\": 1}}}");
        config.providers().get("x").settings().addProperty("a", 2);
        assertThat(config.providers().get("x").settings().get("a").getAsInt()).isEqualTo(1);
    }

    @Test
    void unknownKeysAreNamed() {
        assertConfigError("{\"provider\": {}}", "unknown key [provider]");
        assertConfigError("{\"tokens\": {\"accessTokenTTL\": \"PT5M\"}}", "tokens: unknown key [accessTokenTTL]");
        assertConfigError("{\"store\": {\"url\": \"x\"}}", "store: unknown key [url]");
    }

    @Test
    void wrongTypesAreNamedByPath() {
        assertConfigError("{\"providers\": []}", "providers: expected an object");
        assertConfigError("{\"providers\": {\"anon-user\": true}}", "providers.anon-user: expected an object");
        assertConfigError("{\"providers\": {\"anon-user\": {\"enabled\": \"yes\"}}}", "providers.anon-user.enabled");
        assertConfigError("{\"tokens\": {\"accessTokenTtl\": 30}}", "tokens.accessTokenTtl: expected a string");
        assertConfigError("{\"tokens\": {\"accessTokenTtl\": \"30 minutes\"}}", "tokens.accessTokenTtl: '30 minutes' is not an ISO-8601");
        assertConfigError("{\"providers\": {\"Bad_Type\": {}}}", "providers.Bad_Type");
        assertConfigError("{\"tokens\": {\"issuer\": \" \"}}", "tokens.issuer: must not be blank");
    }

    @Test
    void durationsAreRangeChecked() {
        assertConfigError("{\"tokens\": {\"refreshTokenTtl\": \"PT29M\"}}", "tokens.refreshTokenTtl: PT29M is out of range PT30M");
        assertConfigError("{\"tokens\": {\"refreshTokenTtl\": \"P181D\"}}", "tokens.refreshTokenTtl");
        assertConfigError("{\"tokens\": {\"accessTokenTtl\": \"PT0S\"}}", "tokens.accessTokenTtl");
        assertConfigError("{\"tokens\": {\"clockSkew\": \"PT10M\"}}", "tokens.clockSkew");
        assertThat(ConfigParser.parse("{\"tokens\": {\"refreshTokenTtl\": \"PT30M\"}}").tokens().refreshTokenTtl())
                .isEqualTo(Duration.ofMinutes(30));
        assertThat(ConfigParser.parse("{\"tokens\": {\"refreshTokenTtl\": \"P180D\"}}").tokens().refreshTokenTtl())
                .isEqualTo(Duration.ofDays(180));
    }

    @Test
    void refreshTokenRotationIsRefusedRatherThanSilentlyIgnored() {
        assertConfigError("{\"tokens\": {\"refreshTokenRotation\": true}}", "tokens.refreshTokenRotation");
        assertThat(ConfigParser.parse("{\"tokens\": {\"refreshTokenRotation\": false}}").tokens()).isEqualTo(TokenSettings.DEFAULTS);
    }

    @Test
    void invalidJsonIsAConfigurationError() {
        assertConfigError("{\"providers\": {}, \"providers\": {}}", "duplicate key 'providers'");
        assertConfigError("{providers: {}}", "not valid JSON");
        assertConfigError("[]", "not valid JSON");
        assertConfigError(null, "no configuration");
        assertConfigError("{\"a\":\"" + "x".repeat(ConfigParser.MAX_CONFIG_LENGTH) + "\"}", "longer than");
    }

    @Test
    void secretValuesInABadSettingAreNotEchoed() {
        assertThatThrownBy(() -> ConfigParser.parse("{\"tokens\": {\"accessTokenTtl\": \"hunter2-is-my-password\"}}"))
                .isInstanceOf(AuthException.class);
        // Durations are not secrets; the store password is, and a wrong type there must not print it.
        assertThatThrownBy(() -> ConfigParser.parse("{\"store\": {\"password\": 12345678}}"))
                .isInstanceOf(AuthException.class).hasMessageNotContaining("12345678").hasMessageContaining("store.password");
    }

    @Test
    void readsAFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("latchkey.json");
        Files.writeString(file, "{\"providers\": {\"anon-user\": {\"enabled\": true}}}");
        assertThat(ConfigParser.read(file).isEnabled("anon-user")).isTrue();
        assertThatThrownBy(() -> ConfigParser.read(dir.resolve("missing.json"))).isInstanceOf(AuthException.class)
                .hasMessageContaining("configuration file not found");
    }

    private static void assertConfigError(String json, String messagePart) {
        assertThatThrownBy(() -> ConfigParser.parse(json)).isInstanceOfSatisfying(AuthException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.CONFIGURATION);
            assertThat(e.getMessage()).contains(messagePart);
        });
    }
}
