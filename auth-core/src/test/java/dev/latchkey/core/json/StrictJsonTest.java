package dev.latchkey.core.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StrictJsonTest {

    @Test
    void parsesStrictJson() {
        JsonObject o = StrictJson.parseObject("{\"a\": [1, 2.5, true, null, \"x\"], \"b\": {}}");
        assertThat(o.getAsJsonArray("a")).hasSize(5);
        assertThat(o.getAsJsonObject("b").size()).isZero();
    }

    @Test
    void refusesDuplicateKeysInsteadOfLettingTheLastWin() {
        assertThatThrownBy(() -> StrictJson.parse("{\"sub\": \"alice\", \"sub\": \"admin\"}"))
                .isInstanceOf(MalformedJsonException.class).hasMessageContaining("duplicate key 'sub'");
        assertThatThrownBy(() -> StrictJson.parse("{\"a\": {\"x\": 1, \"x\": 2}}"))
                .isInstanceOf(MalformedJsonException.class).hasMessageContaining("duplicate");
    }

    @Test
    void messagesNeverEchoAHostileKeyUnbounded() {
        String key = "X\r\nFORGED LOG LINE " + "z".repeat(10_000);
        String json = "{\"" + key.replace("\r", "\\r").replace("\n", "\\n") + "\": 1, \""
                + key.replace("\r", "\\r").replace("\n", "\\n") + "\": 2}";
        assertThatThrownBy(() -> StrictJson.parse(json)).isInstanceOf(MalformedJsonException.class)
                .satisfies(e -> assertThat(e.getMessage()).startsWith("duplicate key 'X??FORGED LOG LINE zzz")
                        .hasSizeLessThanOrEqualTo(MalformedJsonException.MAX_MESSAGE_LENGTH + 3)
                        .doesNotContain("\r").doesNotContain("\n"));
    }

    @Test
    void refusesDeepNestingWithoutAStackOverflow() {
        String deep = "[".repeat(10_000) + "]".repeat(10_000);
        assertThatThrownBy(() -> StrictJson.parse(deep)).isInstanceOf(MalformedJsonException.class).hasMessageContaining("deeper");
        String deepObjects = "{\"a\":".repeat(10_000) + "1" + "}".repeat(10_000);
        assertThatThrownBy(() -> StrictJson.parse(deepObjects)).isInstanceOf(MalformedJsonException.class);
        String ok = "[".repeat(StrictJson.MAX_DEPTH) + "]".repeat(StrictJson.MAX_DEPTH);
        assertThat(StrictJson.parse(ok).isJsonArray()).isTrue();
    }

    @Test
    void refusesLenientSyntaxAndTrailingContent() {
        for (String bad : java.util.Arrays.asList("{a: 1}", "{'a': 1}", "{\"a\": 1,}", "{\"a\": 1} {}", "{\"a\": 1} x", "", "NaN",
                "{\"a\": NaN}", "// c\n{}", "{\"a\": 1", null)) {
            assertThatThrownBy(() -> StrictJson.parse(bad)).as(String.valueOf(bad)).isInstanceOf(MalformedJsonException.class);
        }
    }

    @Test
    void parseObjectRefusesOtherValues() {
        assertThatThrownBy(() -> StrictJson.parseObject("[1]")).isInstanceOf(MalformedJsonException.class)
                .hasMessageContaining("object");
    }

    @Test
    void treesConvertToPlainJavaValuesAndBack() {
        Object value = JsonTrees.toJava(StrictJson.parse("{\"n\": 42, \"d\": 1.5, \"big\": 1e400, \"l\": [\"x\", false], \"z\": null,"
                + " \"e\": 1e2, \"huge\": 12345678901234567890}"));
        assertThat(value).isInstanceOf(Map.class);
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) value;
        assertThat(map.get("n")).isEqualTo(42L);
        assertThat(map.get("d")).isEqualTo(1.5);
        assertThat(map.get("e")).isEqualTo(100L);
        assertThat(map.get("huge")).isEqualTo(1.2345678901234567E19);
        assertThat(map.get("big")).isInstanceOf(java.math.BigDecimal.class);
        assertThat(map.get("l")).isEqualTo(List.of("x", false));
        assertThat(map).containsKey("z");
        assertThat(JsonTrees.toJson(Map.of("l", List.of(1, "a"))).toString()).isEqualTo("{\"l\":[1,\"a\"]}");
    }

    @Test
    void hugeExponentsDoNotBecomeHugeIntegers() {
        // A billion-digit integer would take minutes and gigabytes; this must stay instant.
        Object value = JsonTrees.toJava(StrictJson.parse("1e999999999"));
        assertThat(value).isInstanceOf(java.math.BigDecimal.class);
    }

    @Test
    void toJsonRefusesWhatIsNotJson() {
        assertThatThrownBy(() -> JsonTrees.toJson(Map.of("x", new Object()))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> JsonTrees.toJson(Map.of("x", Double.NaN))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> JsonTrees.toJson(Map.of(1, "x"))).isInstanceOf(IllegalArgumentException.class);
        java.util.Map<String, Object> cyclic = new java.util.HashMap<>();
        cyclic.put("self", cyclic);
        assertThatThrownBy(() -> JsonTrees.toJson(cyclic)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("deeper");
    }
}
