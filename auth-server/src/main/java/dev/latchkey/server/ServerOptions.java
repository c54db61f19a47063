package dev.latchkey.server;

import dev.latchkey.api.AuthService;
import dev.latchkey.core.Latchkey;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * How to start a {@link LatchkeyServer}: what the command line sets, plus what embedding code
 * and tests may add. Immutable; change a copy with the {@code with...} methods.
 *
 * @param appId the app's id (default {@code latchkey})
 * @param configFile the configuration file, or null
 * @param configJson the configuration as JSON text (tests, embedding), or null; wins over the file
 * @param dataDirectory where the embedded store lives (default {@code ./latchkey-data})
 * @param host the address to listen on (default {@code 127.0.0.1})
 * @param port the port (default 8080; 0 picks a free one)
 * @param shutdownTimeout how long {@link LatchkeyServer#close()} lets requests in flight finish (default 10 s)
 * @param engineSetup a last word on the engine builder (a clock, a provider service), or null
 */
public record ServerOptions(String appId, Path configFile, String configJson, Path dataDirectory, String host, int port,
                            Duration shutdownTimeout, Consumer<Latchkey.Builder<AuthService>> engineSetup) {
    /** The default app id. */
    public static final String DEFAULT_APP_ID = "latchkey";
    /** The default port. */
    public static final int DEFAULT_PORT = 8080;

    /**
     * The defaults: app {@code latchkey}, data in {@code ./latchkey-data}, 127.0.0.1:8080, no
     * configuration (anonymous and auto-confirmed email/password).
     *
     * @return the options
     */
    public static ServerOptions defaults() {
        return new ServerOptions(DEFAULT_APP_ID, null, null, Path.of("latchkey-data"), "127.0.0.1", DEFAULT_PORT,
                Duration.ofSeconds(10), null);
    }

    /**
     * @param value the app id
     * @return a copy with it
     */
    public ServerOptions withAppId(String value) {
        return new ServerOptions(value, configFile, configJson, dataDirectory, host, port, shutdownTimeout, engineSetup);
    }

    /**
     * @param value the configuration file
     * @return a copy with it
     */
    public ServerOptions withConfigFile(Path value) {
        return new ServerOptions(appId, value, configJson, dataDirectory, host, port, shutdownTimeout, engineSetup);
    }

    /**
     * @param value the configuration as JSON text
     * @return a copy with it
     */
    public ServerOptions withConfigJson(String value) {
        return new ServerOptions(appId, configFile, value, dataDirectory, host, port, shutdownTimeout, engineSetup);
    }

    /**
     * @param value the data directory
     * @return a copy with it
     */
    public ServerOptions withDataDirectory(Path value) {
        return new ServerOptions(appId, configFile, configJson, value, host, port, shutdownTimeout, engineSetup);
    }

    /**
     * @param value the address to listen on
     * @return a copy with it
     */
    public ServerOptions withHost(String value) {
        return new ServerOptions(appId, configFile, configJson, dataDirectory, value, port, shutdownTimeout, engineSetup);
    }

    /**
     * @param value the port; 0 for any free one
     * @return a copy with it
     */
    public ServerOptions withPort(int value) {
        return new ServerOptions(appId, configFile, configJson, dataDirectory, host, value, shutdownTimeout, engineSetup);
    }

    /**
     * @param value how long requests in flight may take to finish on close
     * @return a copy with it
     */
    public ServerOptions withShutdownTimeout(Duration value) {
        return new ServerOptions(appId, configFile, configJson, dataDirectory, host, port, value, engineSetup);
    }

    /**
     * @param value what to do to the engine builder before it builds
     * @return a copy with it
     */
    public ServerOptions withEngineSetup(Consumer<Latchkey.Builder<AuthService>> value) {
        return new ServerOptions(appId, configFile, configJson, dataDirectory, host, port, shutdownTimeout, value);
    }

    /** The configuration JSON may hold passwords: it is not shown. */
    @Override
    public String toString() {
        return "ServerOptions[appId=" + appId + ", configFile=" + configFile + ", configJson=" + (configJson == null ? "none" : "(given)")
                + ", dataDirectory=" + dataDirectory + ", host=" + host + ", port=" + port + ", shutdownTimeout=" + shutdownTimeout + "]";
    }
}
