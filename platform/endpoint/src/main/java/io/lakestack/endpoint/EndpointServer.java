package io.lakestack.endpoint;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.lakestack.endpoint.auth.Authenticator;
import io.lakestack.endpoint.auth.TemporaryCredentials;
import io.lakestack.endpoint.protocol.AwsRequest;
import io.lakestack.endpoint.protocol.AwsResponse;
import io.lakestack.endpoint.protocol.ErrorResponses;
import io.lakestack.spi.ErrorKind;
import io.lakestack.spi.ServiceException;
import io.lakestack.spi.stack.ComponentState;
import io.lakestack.spi.stack.ComponentStatus;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * The one HTTP port every emulated service answers on. Each request is recognised ({@link RequestRouter}), its body
 * held to its service's limit ({@link ServiceHandler#maxRequestBytes()}), authenticated ({@link Authenticator}) and
 * handed to its {@link ServiceHandler}; errors come back in the shape of the request's protocol.
 * {@code GET /_lakestack/health} reports every component of the stack. The port speaks HTTP/1.1 and HTTP/2 cleartext
 * (h2c by prior knowledge or by an HTTP/1.1 Upgrade), so that clients that need HTTP/2 for event streams reach an
 * {@code http://} endpoint as they reach AWS's.
 *
 * <p>The endpoint may start listening before all its services have started ({@link #addServices}): a request for a
 * service that is still starting waits for it, for {@link #LATER_SERVICES_WAIT} at most, and is then routed as any
 * other.
 */
public final class EndpointServer
        implements AutoCloseable
{
    public static final String HEALTH_PATH = "/_lakestack/health";
    private static final Logger log = LoggerFactory.getLogger(EndpointServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The largest body of a refused request that is read and dropped before the answer, rather than left with the connection closed. */
    private static final long DISCARDED_BODY_LIMIT = 8L * 1024 * 1024;
    private static final HandlerType[] METHODS = {
            HandlerType.GET, HandlerType.PUT, HandlerType.POST, HandlerType.DELETE, HandlerType.HEAD, HandlerType.PATCH, HandlerType.OPTIONS};

    /** How long a request for a service that is still starting waits for it. */
    public static final Duration LATER_SERVICES_WAIT = Duration.ofMinutes(2);

    private final EndpointConfig config;
    private final RequestRouter router;
    private final CompletableFuture<Void> laterServices;
    private final AtomicInteger waitingForServices = new AtomicInteger();
    private final Authenticator authenticator;
    private final Supplier<List<ComponentStatus>> health;
    private Javalin javalin;

    public EndpointServer(EndpointConfig config, List<ServiceHandler> services, Supplier<List<ComponentStatus>> health)
    {
        this(config, services, TemporaryCredentials.NONE, health);
    }

    /**
     * @param temporary credentials STS issued, accepted beside the configured key
     */
    public EndpointServer(EndpointConfig config, List<ServiceHandler> services, TemporaryCredentials temporary, Supplier<List<ComponentStatus>> health)
    {
        this(config, services, false, temporary, health);
    }

    /**
     * @param services the services that answer as soon as the endpoint listens
     * @param moreToCome whether more services are still starting: a request none of {@code services} answers then waits
     *         until {@link #addServices} has added them and is routed again, or is answered {@code ServiceUnavailable}
     *         after {@link #servicesFailed}
     */
    public EndpointServer(EndpointConfig config, List<ServiceHandler> services, boolean moreToCome, TemporaryCredentials temporary,
            Supplier<List<ComponentStatus>> health)
    {
        this.config = requireNonNull(config, "config is null");
        this.router = new RequestRouter(services);
        this.laterServices = moreToCome ? new CompletableFuture<>() : CompletableFuture.completedFuture(null);
        this.authenticator = new Authenticator(Map.of(config.accessKey(), config.secretKey()), temporary, config.verifySignatures(),
                config.region(), Clock.systemUTC());
        this.health = requireNonNull(health, "health is null");
    }

    /** Starts listening; returns once the port is bound. */
    public EndpointServer start()
    {
        javalin = Javalin.create(javalinConfig -> {
            javalinConfig.startup.showJavalinBanner = false;
            javalinConfig.startup.showOldJavalinVersionWarning = false;
            javalinConfig.http.compressionStrategy = CompressionStrategy.NONE;
            javalinConfig.http.generateEtags = false;
            javalinConfig.http.maxRequestSize = 64L * 1024 * 1024;
            // HTTP/1.1 and HTTP/2 cleartext on the one port, h2c by prior knowledge (the SDKs' Netty client with an
            // http:// endpoint) or by an HTTP/1.1 Upgrade; the SDKs' Kinesis async clients subscribe to shards over HTTP/2
            javalinConfig.jetty.addConnector((server, http) -> {
                ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http), new HTTP2CServerConnectionFactory(http));
                connector.setHost(config.bindAddress());
                connector.setPort(config.port());
                return connector;
            });
            // S3 keys may hold anything: encoded slashes, dot segments, double slashes
            javalinConfig.jetty.modifyHttpConfiguration(http -> {
                http.setUriCompliance(UriCompliance.UNSAFE);
                http.setSendServerVersion(false);
                http.setRequestHeaderSize(64 * 1024);
                // SigV4 signs header values byte for byte; Jetty's header cache would otherwise hand back its own
                // spelling of common values ("charset=utf-8" for "charset=UTF-8")
                http.setHeaderCacheCaseSensitive(true);
            });
            javalinConfig.jetty.modifyServletContextHandler(handler -> handler.getServletHandler().setDecodeAmbiguousURIs(true));
            // what Jetty refuses before routing (a path it cannot decode) is answered as S3 answers it, not with an HTML page
            javalinConfig.jetty.modifyServer(server -> server.setErrorHandler(new BadRequestErrorHandler()));
            javalinConfig.routes.get(HEALTH_PATH, this::health);
            for (HandlerType method : METHODS) {
                javalinConfig.routes.addHttpHandler(method, "/*", this::dispatch);
            }
        });
        javalin.start();
        log.info("AWS endpoint listening on http://{}:{}", config.bindAddress(), port());
        return this;
    }

    /** Adds the services that started after the endpoint began to listen; the requests that wait for them go on. */
    public void addServices(List<ServiceHandler> services)
    {
        if (laterServices.isDone()) {
            throw new IllegalStateException("the endpoint's services are all there already");
        }
        router.add(services);
        laterServices.complete(null);
    }

    /** The services that were to come cannot start: the requests that wait for them are answered {@code ServiceUnavailable}. */
    public void servicesFailed(Throwable cause)
    {
        laterServices.completeExceptionally(cause);
    }

    public int port()
    {
        return javalin.port();
    }

    private void dispatch(Context context)
            throws IOException
    {
        AwsResponse response = AwsResponse.of(context.res());
        AwsRequest request = AwsRequest.from(context.req());
        RequestRouter.Route route = router.route(request);
        try {
            if (route.handler().isEmpty() && !laterServices.isDone()) {
                awaitLaterServices();
                route = router.route(request);
            }
            route.limitBody(request);
            Optional<ServiceHandler> selfAuthenticating = route.handler().filter(handler -> handler.authenticatesItself(request));
            if (selfAuthenticating.isPresent()) {
                selfAuthenticating.get().handleSelfAuthenticated(request, authenticator, response);
                return;
            }
            Authenticator.Caller caller = authenticator.authenticate(request, route.protocol(), route.service());
            RequestRouter.Route routed = route;
            ServiceHandler handler = routed.handler().orElseThrow(() -> routed.notEmulated(router.emulated(), request));
            handler.handle(request, caller, response);
        }
        catch (ServiceException e) {
            log.debug("{} {} {} -> {} {}", request.requestId(), request.method(), request.rawPath(), e.errorCode(), e.getMessage());
            if (e.getCause() != null) {
                log.warn("{} {} {} failed: {}", request.requestId(), request.method(), request.rawPath(), e.getMessage(), e.getCause());
            }
            writeError(response, route, request, e);
        }
        catch (Exception e) {
            log.error("{} {} {} failed", request.requestId(), request.method(), request.rawPath(), e);
            writeError(response, route, request, ServiceException.internal("InternalFailure",
                    "lakestack failed to process the request (request id " + request.requestId() + "): " + e, e));
        }
    }

    /** Waits for the services that are still starting; a request for one of them is answered once it has. */
    private void awaitLaterServices()
    {
        waitingForServices.incrementAndGet();
        try {
            laterServices.get(LATER_SERVICES_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable("lakestack was interrupted while its services were starting", e);
        }
        catch (TimeoutException e) {
            throw unavailable("lakestack's services did not finish starting within " + LATER_SERVICES_WAIT.toSeconds() + " s; see ./lakestack status", null);
        }
        catch (ExecutionException e) {
            throw unavailable("lakestack's services could not start (" + e.getCause().getMessage() + "); see ./lakestack status", e.getCause());
        }
        finally {
            waitingForServices.decrementAndGet();
        }
    }

    /** How many requests wait for services that are still starting. */
    int waitingForServices()
    {
        return waitingForServices.get();
    }

    private static ServiceException unavailable(String message, Throwable cause)
    {
        return new ServiceException(ErrorKind.INTERNAL, "ServiceUnavailable", 503, message, cause);
    }

    private static void writeError(AwsResponse response, RequestRouter.Route route, AwsRequest request, ServiceException error)
            throws IOException
    {
        if (response.isCommitted()) {
            log.warn("{}: response already started when {} happened; the client sees a truncated response", request.requestId(), error.errorCode());
            return;
        }
        response.reset();
        // refused before its body was read (a signature, a limit, a route): a body of a few MiB is read and dropped, so that the
        // client, done sending, reads the answer; a larger one is not, its bytes are still on their way and the connection
        // cannot serve another request: saying so keeps a client from sending its next request down it
        if (!request.discardUnreadBody(DISCARDED_BODY_LIMIT)) {
            response.setHeader("Connection", "close");
        }
        ErrorResponses.write(response, route.protocol(), request, error);
    }

    private void health(Context context)
    {
        List<ComponentStatus> components = health.get();
        ObjectNode root = JSON.createObjectNode();
        root.put("status", overall(components));
        ArrayNode array = root.putArray("components");
        for (ComponentStatus component : components) {
            ObjectNode node = array.addObject();
            node.put("name", component.name());
            node.put("state", component.state().label());
            node.put("address", component.address());
            node.put("detail", component.detail());
            component.startMillis().ifPresent(millis -> node.put("startMillis", millis));
        }
        context.contentType("application/json").result(root.toPrettyString());
    }

    static String overall(List<ComponentStatus> components)
    {
        if (components.stream().anyMatch(component -> component.state() == ComponentState.FAILED)) {
            return "failed";
        }
        if (components.stream().allMatch(component -> component.state() == ComponentState.READY)) {
            return "ready";
        }
        return "starting";
    }

    @Override
    public void close()
    {
        if (javalin != null) {
            javalin.stop();
        }
    }
}
