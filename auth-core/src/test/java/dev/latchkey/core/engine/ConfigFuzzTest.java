package dev.latchkey.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.gson.annotations.SerializedName;
import dev.latchkey.api.AuthException;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.core.config.ConfigParser;
import dev.latchkey.core.config.LatchkeyConfig;
import dev.latchkey.core.config.ProviderConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Fuzzes the configuration: {@link ConfigParser#parse} and then {@link SettingsBinder} binding
 * every provider section to settings classes shaped like the providers' (records with durations,
 * numbers, enums, lists, nested sections, lists of sections, {@code @SerializedName} aliases, a
 * validating constructor; and a plain class). Whatever the text, the result is a configuration
 * or an {@link AuthException} with {@link ErrorCode#CONFIGURATION}; anything else is a bug.
 * Seeds: {@code ConfigFuzzTestInputs/configText/}.
 */
class ConfigFuzzTest {
    private final SettingsBinder binder = new SettingsBinder();

    enum Mode { AUTO, MANUAL }

    record Smtp(String host, int port, @SerializedName(value = "startTls", alternate = "starttls") boolean startTls,
                Duration timeout) {
    }

    record MetadataField(String name, boolean required, String fieldName) {
    }

    record RecordSettings(Duration timeout, int maxAttempts, long maxBytes, Double ratio, boolean autoConfirm, String jwkUri,
                          List<String> hs256Secrets, Mode mode, Smtp smtp, List<MetadataField> metadataFields,
                          Map<String, String> extras, char separator) {
        RecordSettings {
            // The way a provider's settings refuse a value: IllegalArgumentException, named.
            if (maxAttempts < 0) {
                throw new IllegalArgumentException("maxAttempts must not be negative");
            }
            if (timeout != null && timeout.isNegative()) {
                throw new IllegalArgumentException("timeout must not be negative");
            }
        }
    }

    /** A settings class that is not a record: Gson sets its fields after the no-argument constructor. */
    static final class FieldSettings {
        String issuer;
        int[] ports;
        Duration ttl;
        FieldSettings nested;
    }

    @FuzzTest
    void configText(byte[] input) {
        LatchkeyConfig config;
        try {
            config = ConfigParser.parse(new String(input, StandardCharsets.UTF_8));
        } catch (AuthException e) {
            assertThat(e.code()).as(e.getMessage()).isEqualTo(ErrorCode.CONFIGURATION);
            return;
        }
        for (Map.Entry<String, ProviderConfig> provider : config.providers().entrySet()) {
            bind(provider.getKey(), provider.getValue(), RecordSettings.class);
            bind(provider.getKey(), provider.getValue(), FieldSettings.class);
        }
    }

    private void bind(String type, ProviderConfig section, Class<?> settings) {
        try {
            assertThat(binder.bind(type, section.settings(), settings)).isNotNull();
        } catch (AuthException e) {
            assertThat(e.code()).as(e.getMessage()).isEqualTo(ErrorCode.CONFIGURATION);
        }
    }
}
