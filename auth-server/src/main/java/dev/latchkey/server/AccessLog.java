package dev.latchkey.server;

import com.google.gson.JsonObject;

import java.time.Instant;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One JSON line per request on the JUL logger {@value #LOGGER}: time, method, path (without the
 * query), status, duration, client address, response bytes. Never a header, a body or a query:
 * tokens, passwords and keys travel there.
 */
final class AccessLog {
    /** The logger's name: route it to a file or a collector with the usual JUL configuration. */
    static final String LOGGER = "dev.latchkey.server.access";
    /** A path longer than this is cut: it comes from the client. */
    static final int MAX_PATH = 256;

    private final Logger logger = Logger.getLogger(LOGGER);

    void log(Instant time, String method, String path, int status, long durationMillis, String client, long bytes) {
        if (!logger.isLoggable(Level.INFO)) {
            return;
        }
        JsonObject line = new JsonObject();
        line.addProperty("time", time.toString());
        line.addProperty("method", method.length() > 16 ? method.substring(0, 16) : method);
        line.addProperty("path", path.length() > MAX_PATH ? path.substring(0, MAX_PATH) + "..." : path);
        line.addProperty("status", status);
        line.addProperty("duration_ms", durationMillis);
        line.addProperty("client", client);
        line.addProperty("bytes", bytes);
        // Gson escapes control characters, so a path cannot forge a second log line. logp names the
        // source itself: with info(), JUL walks the stack to infer the caller of every line, which cost
        // about 3% of the server's CPU on refreshes (benchmarks/README.md, issue #10).
        logger.logp(Level.INFO, AccessLog.class.getName(), "log", line.toString());
    }
}
