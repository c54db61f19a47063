package dev.latchkey.server;

import dev.latchkey.api.AuthException;
import dev.latchkey.api.AuthService;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.core.Latchkey;
import dev.latchkey.core.config.ConfigParser;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A running Latchkey server: the engine and Jetty in front of it. Start one with
 * {@link #start(ServerOptions)}; it is ready (listening) when {@code start} returns.
 * {@link #close()} shuts down gracefully: stop accepting, let requests in flight finish (for at
 * most the shutdown timeout), then close the engine. Thread-safe.
 *
 * <pre>{@code
 * try (LatchkeyServer server = LatchkeyServer.start(ServerOptions.defaults().withPort(0))) {
 *     String baseUrl = server.url();   // http://127.0.0.1:54321
 * }
 * }</pre>
 */
public final class LatchkeyServer implements AutoCloseable {
    /**
     * Jetty's debug output dumps raw request buffers: bodies with passwords, headers with tokens.
     * Its loggers are held at INFO whatever the root level says (held here strongly, because JUL
     * forgets the level of a logger nobody references).
     */
    private static final java.util.logging.Logger JETTY_LOGGER = java.util.logging.Logger.getLogger("org.eclipse.jetty");

    private final Server jetty;
    private final GracefulHandler graceful;
    private final AuthService engine;
    private final String url;
    private final int port;
    private final AtomicBoolean closed = new AtomicBoolean();

    private LatchkeyServer(Server jetty, GracefulHandler graceful, AuthService engine, String url, int port) {
        this.jetty = jetty;
        this.graceful = graceful;
        this.engine = engine;
        this.url = url;
        this.port = port;
    }

    /**
     * Starts the engine and the HTTP server.
     *
     * @param options what to start
     * @return the running server
     * @throws AuthException {@link ErrorCode#CONFIGURATION} when the configuration is invalid, the
     *     address cannot be used, or the engine refuses to start
     */
    public static LatchkeyServer start(ServerOptions options) {
        return start(options, Clock.systemUTC());
    }

    /** {@link #start(ServerOptions)} with the clock of the server's rate limits (tests move it). */
    static LatchkeyServer start(ServerOptions options, Clock clock) {
        capJettyLogging();
        ServerConfig config = config(options);
        InetAddress bindAddress = bindAddress(options.host());
        if (bindAddress.isAnyLocalAddress() && config.publicUrl() == null) {
            throw new AuthException(ErrorCode.CONFIGURATION, "listening on every address (" + options.host()
                    + ") needs server.publicUrl in the configuration: the server does not take its own URL from the Host header");
        }
        if (options.port() < 0 || options.port() > 65535) {
            throw new AuthException(ErrorCode.CONFIGURATION, "a port is 0 to 65535");
        }
        String issuer = ConfigParser.parse(config.engineJson()).tokens().issuerFor(options.appId());
        // Listen before the engine starts: the email provider's links point at the hosted pages, whose
        // URL holds the port, which with --port 0 is known only once the connector is open.
        Server jetty = new Server(threadPool());
        ServerConnector connector = openConnector(jetty, options, bindAddress);
        PublicUrls urls = new PublicUrls(config.publicUrl(), bindAddress, connector.getLocalPort());
        AuthService engine;
        try {
            Latchkey.Builder<AuthService> builder = Latchkey.service(options.appId())
                    .dataDirectory(options.dataDirectory())
                    .config(HostedPageLinks.fill(config.engineJson(), urls.baseFor(null)));
            if (options.engineSetup() != null) {
                options.engineSetup().accept(builder);
            }
            engine = builder.build();
        } catch (RuntimeException e) {
            connector.close();
            throw e;
        }
        try {
            return serve(jetty, connector, urls, options, config, engine, issuer, clock);
        } catch (RuntimeException e) {
            engine.close();
            throw e;
        }
    }

    /** Lowers Jetty's loggers to INFO when they would log more; a quieter setting is left alone. */
    private static void capJettyLogging() {
        java.util.logging.Logger logger = JETTY_LOGGER;
        while (logger.getLevel() == null && logger.getParent() != null) {
            logger = logger.getParent();
        }
        java.util.logging.Level effective = logger.getLevel() == null ? java.util.logging.Level.INFO : logger.getLevel();
        if (effective.intValue() < java.util.logging.Level.INFO.intValue()) {
            JETTY_LOGGER.setLevel(java.util.logging.Level.INFO);
        }
    }

    private static QueuedThreadPool threadPool() {
        QueuedThreadPool threads = new QueuedThreadPool(200, 8);
        threads.setName("latchkey-http");
        return threads;
    }

    private static ServerConnector openConnector(Server jetty, ServerOptions options, InetAddress bindAddress) {
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        // Jetty reuses header values seen earlier on a connection, matched ignoring case by default:
        // "Bearer <KEY>" would then arrive as the cached "Bearer <key>". Tokens and keys are case-sensitive.
        http.setHeaderCacheCaseSensitive(true);
        ServerConnector connector = new ServerConnector(jetty, new HttpConnectionFactory(http));
        connector.setHost(IpAddresses.text(bindAddress));
        connector.setPort(options.port());
        jetty.addConnector(connector);
        try {
            connector.open();
        } catch (IOException e) {
            throw new AuthException(ErrorCode.CONFIGURATION, "cannot listen on " + PublicUrls.hostText(bindAddress) + ":"
                    + options.port() + ": " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")"));
        }
        return connector;
    }

    private static LatchkeyServer serve(Server jetty, ServerConnector connector, PublicUrls urls, ServerOptions options,
                                        ServerConfig config, AuthService engine, String issuer, Clock clock) {
        jetty.setErrorHandler(new JsonErrorHandler());
        jetty.setStopTimeout(options.shutdownTimeout().toMillis());
        jetty.setStopAtShutdown(false);
        // The hosted pages answer /pages/...; everything else goes on to the JSON API.
        // One set of limits for the pages and the API: a client's requests count wherever they go.
        RequestLimits limits = new RequestLimits(config.rateLimits(), clock);
        GracefulHandler graceful = new GracefulHandler(new HostedPages(engine, urls, config, limits,
                new ApiHandler(new ClientApi(engine, urls, issuer), new AdminApi(engine, config.adminKey(), clock), limits, config)));
        jetty.setHandler(graceful);
        try {
            jetty.start();
        } catch (Exception e) {
            try {
                jetty.stop();
            } catch (Exception ignored) {
                // Already failing; the start failure is what the caller must see.
            }
            throw new AuthException(ErrorCode.CONFIGURATION, "the HTTP server did not start: " + e.getClass().getSimpleName());
        }
        return new LatchkeyServer(jetty, graceful, engine, urls.listeningUrl(), connector.getLocalPort());
    }

    private static ServerConfig config(ServerOptions options) {
        if (options.configJson() != null) {
            return ServerConfig.parse(options.configJson());
        }
        if (options.configFile() == null) {
            return ServerConfig.defaults();
        }
        try {
            if (Files.size(options.configFile()) > ConfigParser.MAX_CONFIG_LENGTH) {
                throw new AuthException(ErrorCode.CONFIGURATION, options.configFile() + " is larger than "
                        + ConfigParser.MAX_CONFIG_LENGTH + " bytes");
            }
            return ServerConfig.parse(Files.readString(options.configFile(), StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            throw new AuthException(ErrorCode.CONFIGURATION, "configuration file not found: " + options.configFile());
        } catch (IOException e) {
            throw new AuthException(ErrorCode.CONFIGURATION, "cannot read configuration file " + options.configFile() + ": "
                    + e.getClass().getSimpleName());
        }
    }

    private static InetAddress bindAddress(String host) {
        if (host == null || host.isBlank()) {
            throw new AuthException(ErrorCode.CONFIGURATION, "no address to listen on");
        }
        try {
            // An operator's choice: a literal, or a name such as localhost that the system resolves.
            return IpAddresses.parse(host).orElse(InetAddress.getByName(host));
        } catch (UnknownHostException e) {
            throw new AuthException(ErrorCode.CONFIGURATION, "unknown address to listen on: " + host);
        }
    }

    /**
     * The URL the server listens on, with the real port.
     *
     * @return for example {@code http://127.0.0.1:8080}
     */
    public String url() {
        return url;
    }

    /**
     * The port the server listens on (the one picked when started with port 0).
     *
     * @return the port
     */
    public int port() {
        return port;
    }

    /**
     * The engine behind the server, for embedding code and tests (for example to disable a user).
     *
     * @return the engine
     */
    public AuthService engine() {
        return engine;
    }

    /**
     * How many requests are being answered now.
     *
     * @return the count
     */
    public long requestsInFlight() {
        return graceful.getCurrentRequestCount();
    }

    /**
     * Waits until the server has stopped.
     *
     * @throws InterruptedException when interrupted while waiting
     */
    public void join() throws InterruptedException {
        jetty.join();
    }

    /**
     * Stops accepting connections, lets requests in flight finish (at most the shutdown timeout),
     * then closes the engine. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            jetty.stop();
        } catch (Exception e) {
            // A request that outlived the timeout is cut; the engine still has to be closed.
            java.util.logging.Logger.getLogger(LatchkeyServer.class.getName())
                    .warning("the HTTP server did not stop cleanly: " + e.getClass().getSimpleName());
        } finally {
            engine.close();
        }
    }

    @Override
    public String toString() {
        return "LatchkeyServer[" + url + ", app=" + engine.appId() + "]";
    }
}
