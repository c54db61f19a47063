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
        assertThat(config.throttle()).isEqualTo(ThrottleSettings.DEFAULTS);
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
    void theVerifiedTokenCacheIsSizedAndItsRecheckSetInTokens() {
        assertThat(TokenSettings.DEFAULTS.verifiedCacheSize()).isEqualTo(10_000);
        assertThat(TokenSettings.DEFAULTS.sessionRecheck()).isZero();
        TokenSettings tokens = ConfigParser.parse("{\"tokens\": {\"verifiedCacheSize\": 0, \"sessionRecheck\": \"PT0S\"}}").tokens();
        assertThat(tokens.verifiedCacheSize()).isZero();
        assertThat(tokens.sessionRecheck()).isZero();
        assertThat(ConfigParser.parse("{\"tokens\": {\"verifiedCacheSize\": 1000000, \"sessionRecheck\": \"PT5M\"}}").tokens())
                .extracting(TokenSettings::verifiedCacheSize, TokenSettings::sessionRecheck)
                .containsExactly(1_000_000, Duration.ofMinutes(5));
        assertConfigError("{\"tokens\": {\"verifiedCacheSize\": -1}}", "tokens.verifiedCacheSize: expected a whole number from 0 to 1000000");
        assertConfigError("{\"tokens\": {\"verifiedCacheSize\": 1000001}}", "tokens.verifiedCacheSize");
        assertConfigError("{\"tokens\": {\"verifiedCacheSize\": \"big\"}}", "tokens.verifiedCacheSize");
        assertConfigError("{\"tokens\": {\"sessionRecheck\": \"PT5M1S\"}}", "tokens.sessionRecheck: PT5M1S is out of range");
        assertConfigError("{\"tokens\": {\"sessionRecheck\": \"-PT1S\"}}", "tokens.sessionRecheck");
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

    @Test
    void throttleDefaultsAreAuth0s() {
        ThrottleSettings d = ConfigParser.parse("{\"throttle\": {}}").throttle();
        assertThat(d).isEqualTo(ThrottleSettings.DEFAULTS).isEqualTo(LatchkeyConfig.DEFAULTS.throttle());
        assertThat(d.enabled()).isTrue();
        assertThat(d.accountFailures()).isEqualTo(10);
        assertThat(d.accountWindow()).isEqualTo(Duration.ofMinutes(15));
        assertThat(d.sourceFailures()).isEqualTo(100);
        assertThat(d.sourceWindow()).isEqualTo(Duration.ofHours(1));
        assertThat(d.maxEntries()).isEqualTo(100_000);
    }

    @Test
    void readsEveryThrottleKey() {
        ThrottleSettings t = ConfigParser.parse("""
                {"throttle": {"enabled": false, "accountFailures": 5, "accountWindow": "PT10M",
                              "sourceFailures": 50, "sourceWindow": "PT2H", "maxEntries": 2000}}
                """).throttle();
        assertThat(t).isEqualTo(new ThrottleSettings(false, 5, Duration.ofMinutes(10), 50, Duration.ofHours(2), 2_000));
    }

    @Test
    void eachThrottleKeyAloneKeepsTheOtherDefaults() {
        ThrottleSettings d = ThrottleSettings.DEFAULTS;
        assertThat(throttle("\"enabled\": false")).isEqualTo(new ThrottleSettings(false, 10, d.accountWindow(), 100,
                d.sourceWindow(), 100_000));
        assertThat(throttle("\"accountFailures\": 3").accountFailures()).isEqualTo(3);
        assertThat(throttle("\"accountWindow\": \"PT1S\"").accountWindow()).isEqualTo(Duration.ofSeconds(1));
        assertThat(throttle("\"sourceFailures\": 1000000").sourceFailures()).isEqualTo(1_000_000);
        assertThat(throttle("\"sourceWindow\": \"P1D\"").sourceWindow()).isEqualTo(Duration.ofDays(1));
        assertThat(throttle("\"maxEntries\": 10000000").maxEntries()).isEqualTo(10_000_000);
        assertThat(throttle("\"maxEntries\": 1e3").maxEntries()).as("a whole number in any JSON spelling").isEqualTo(1_000);
        assertThat(throttle("\"accountFailures\": null")).as("null means the default, as elsewhere").isEqualTo(d);
    }

    @Test
    void unknownThrottleKeysAreNamed() {
        assertConfigError("{\"throttle\": {\"accountFailure\": 5}}", "throttle: unknown key [accountFailure]");
        assertConfigError("{\"throttle\": {\"enabled\": true, \"ipFailures\": 5, \"lockout\": \"PT1H\"}}",
                "throttle: unknown keys [ipFailures, lockout]");
    }

    @Test
    void throttleValuesOutOfBoundsAreNamed() {
        assertConfigError("{\"throttle\": {\"accountFailures\": 0}}", "throttle.accountFailures: expected a whole number from 1 to 1000000");
        assertConfigError("{\"throttle\": {\"accountFailures\": 1000001}}", "throttle.accountFailures");
        assertConfigError("{\"throttle\": {\"sourceFailures\": -1}}", "throttle.sourceFailures");
        assertConfigError("{\"throttle\": {\"sourceFailures\": 1e999999999}}", "throttle.sourceFailures");
        assertConfigError("{\"throttle\": {\"maxEntries\": 999}}", "throttle.maxEntries: expected a whole number from 1000 to 10000000");
        assertConfigError("{\"throttle\": {\"maxEntries\": 10000001}}", "throttle.maxEntries");
        assertConfigError("{\"throttle\": {\"accountWindow\": \"PT0.999S\"}}", "throttle.accountWindow: PT0.999S is out of range PT1S to PT24H");
        assertConfigError("{\"throttle\": {\"accountWindow\": \"PT24H0.001S\"}}", "throttle.accountWindow");
        assertConfigError("{\"throttle\": {\"sourceWindow\": \"P2D\"}}", "throttle.sourceWindow");
        assertConfigError("{\"throttle\": {\"sourceWindow\": \"-PT1H\"}}", "throttle.sourceWindow");
    }

    @Test
    void throttleValuesOfTheWrongTypeAreNamed() {
        assertConfigError("{\"throttle\": true}", "throttle: expected an object");
        assertConfigError("{\"throttle\": {\"enabled\": \"yes\"}}", "throttle.enabled: expected true or false");
        assertConfigError("{\"throttle\": {\"enabled\": 1}}", "throttle.enabled: expected true or false");
        assertConfigError("{\"throttle\": {\"accountFailures\": \"10\"}}", "throttle.accountFailures: expected a whole number");
        assertConfigError("{\"throttle\": {\"accountFailures\": 10.5}}", "throttle.accountFailures: expected a whole number");
        assertConfigError("{\"throttle\": {\"maxEntries\": [1000]}}", "throttle.maxEntries: expected a whole number");
        assertConfigError("{\"throttle\": {\"accountWindow\": 900}}", "throttle.accountWindow: expected a string");
        assertConfigError("{\"throttle\": {\"sourceWindow\": \"1 hour\"}}", "throttle.sourceWindow: '1 hour' is not an ISO-8601 duration");
    }

    @Test
    void throttleSettingsMadeInCodeAreHeldToTheSameBounds() {
        assertThatThrownBy(() -> new ThrottleSettings(true, 0, Duration.ofMinutes(15), 100, Duration.ofHours(1), 100_000))
                .isInstanceOfSatisfying(AuthException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFIGURATION))
                .hasMessageContaining("throttle.accountFailures");
        assertThatThrownBy(() -> new ThrottleSettings(true, 10, null, 100, Duration.ofHours(1), 100_000))
                .isInstanceOf(AuthException.class).hasMessageContaining("throttle.accountWindow");
        assertThatThrownBy(() -> new ThrottleSettings(true, 10, Duration.ofMinutes(15), 100, Duration.ofDays(2), 100_000))
                .isInstanceOf(AuthException.class).hasMessageContaining("throttle.sourceWindow");
        assertThatThrownBy(() -> new ThrottleSettings(true, 10, Duration.ofMinutes(15), 100, Duration.ofHours(1), 10))
                .isInstanceOf(AuthException.class).hasMessageContaining("throttle.maxEntries");
    }

    @Test
    void theStoreSectionKeepsTheOtherSections() {
        LatchkeyConfig config = ConfigParser.parse("{\"throttle\": {\"accountFailures\": 3}}");
        assertThat(config.withStore(StoreSettings.DEFAULT).throttle().accountFailures()).isEqualTo(3);
    }

    private static ThrottleSettings throttle(String keys) {
        return ConfigParser.parse("{\"throttle\": {" + keys + "}}").throttle();
    }

    private static void assertConfigError(String json, String messagePart) {
        assertThatThrownBy(() -> ConfigParser.parse(json)).isInstanceOfSatisfying(AuthException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.CONFIGURATION);
            assertThat(e.getMessage()).contains(messagePart);
        });
    }
}
