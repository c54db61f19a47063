package dev.latchkey.server;

import com.google.gson.JsonObject;

/** App Services' error body: {@code {"error": message, "error_code": name}} ({@code link} is left out: we have no pages to link). */
final class ErrorBodies {
    private ErrorBodies() {
    }

    static String of(String errorCode, String message) {
        JsonObject body = new JsonObject();
        body.addProperty("error", message);
        body.addProperty("error_code", errorCode);
        return body.toString();
    }
}
