package dev.latchkey.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.api.AuthException;
import dev.latchkey.api.Credentials;
import dev.latchkey.api.ErrorCode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MalformedPayloadsTest {
    private static final String TYPE = "test-type";

    @Test
    void nestedMapsAsAPayloadOrAFieldReachExactlyTheDeepestAllowed() {
        Credentials.of(TYPE, MalformedPayloads.nestedMaps(Credentials.MAX_DEPTH));
        Credentials.of(TYPE, Map.of("field", MalformedPayloads.nestedMaps(Credentials.MAX_DEPTH - 1)));

        assertThatThrownBy(() -> Credentials.of(TYPE, MalformedPayloads.nestedMaps(Credentials.MAX_DEPTH + 1)))
                .isInstanceOfSatisfying(AuthException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED));
        assertThatThrownBy(() -> Credentials.of(TYPE, Map.of("field", MalformedPayloads.nestedMaps(Credentials.MAX_DEPTH))))
                .isInstanceOf(AuthException.class);
    }

    @Test
    void derivedPayloadsCoverMissingFieldsWrongTypesAndHostileStrings() {
        Credentials valid = Credentials.of(TYPE, Map.of("token", "abcdefgh12345678", "version", 2));

        List<Map<String, Object>> payloads = MalformedPayloads.derivedFrom(valid).stream().map(Credentials::payload).toList();

        assertThat(payloads).contains(Map.of(), Map.of("version", 2), Map.of("token", "abcdefgh12345678"));
        assertThat(payloads).contains(Map.of("token", 42, "version", 2), Map.of("token", true, "version", 2),
                Map.of("token", List.of("a", "list"), "version", 2), Map.of("token", "abcdefgh12345678", "version", "not-a-integer"));
        assertThat(payloads).anySatisfy(p -> assertThat(p.get("token")).isEqualTo("x".repeat(MalformedPayloads.HUGE_STRING_LENGTH)));
        assertThat(payloads).anyMatch(p -> p.get("token") instanceof String s && s.contains("\u0000"));
        assertThat(payloads).anyMatch(p -> p.get("token") instanceof String s && s.contains("\r\n"));
        assertThat(payloads).anySatisfy(p -> {
            assertThat(p).containsKey("token");
            assertThat(p.get("token")).isNull();
        });
        assertThat(payloads).as("a number field gets no number").doesNotContain(Map.of("token", "abcdefgh12345678", "version", 42));
        assertThat(payloads).doesNotContain(valid.payload());
        assertThat(MalformedPayloads.derivedFrom(valid)).allSatisfy(c -> assertThat(c.providerType()).isEqualTo(TYPE));
    }

    @Test
    void anEmptyValidPayloadGetsEveryHostileValueUnderAnUnexpectedField() {
        List<Credentials> hostile = MalformedPayloads.derivedFrom(Credentials.of(TYPE, Map.of()));

        assertThat(hostile).isNotEmpty().allSatisfy(c -> assertThat(c.payload()).isNotEmpty());
        assertThat(hostile).anySatisfy(c -> assertThat(c.payload()).containsEntry(MalformedPayloads.UNEXPECTED_FIELD, 42));
    }
}
