package dev.weft.rest;

import dev.weft.core.Controller;
import dev.weft.core.Extension;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;

/**
 * The REST API as a controller {@link Extension}: started with the controller (after its apps and
 * listeners), stopped before it.
 *
 * <pre>{@code Controller c = Controller.builder(settings).extension(new RestEndpoint(rest)).start();}</pre>
 */
public final class RestEndpoint implements Extension {
    private final RestSettings settings;
    private final List<RouteSource> more;
    private RestServer server;

    public RestEndpoint(RestSettings settings) {
        this(settings, List.of());
    }

    /** The API, and on the same server the routes of {@code more} (the console's, say). */
    public RestEndpoint(RestSettings settings, List<RouteSource> more) {
        this.settings = settings;
        this.more = List.copyOf(more);
    }

    @Override
    public String name() {
        return "rest";
    }

    @Override
    public void start(Controller controller) {
        ExecutorService writer = RestServer.newWriter();
        RestApi api = new RestApi(controller, controller::service, writer, settings.limits().maxEntriesPerRequest());
        List<Route> routes = new ArrayList<>(api.routes());
        Set<String> taken = new HashSet<>();
        routes.forEach(r -> taken.add(r.method() + " " + r.path()));
        List<RequestObserver> observers = new ArrayList<>();
        for (RouteSource s : more) {
            for (Route r : s.routes(controller)) {
                if (!taken.add(r.method() + " " + r.path())) {
                    throw new IllegalStateException("two modules serve " + r.method() + " " + r.path());
                }
                routes.add(r);
            }
            s.openApi().ifPresent(api::document);
            observers.add(s.observer());
        }
        RequestObserver all = (m, route, status, nanos) -> observers.forEach(o -> o.answered(m, route, status, nanos));
        server = new RestServer(settings, routes, writer, all);
    }

    /** Where the API listens (the bound port when 0 was asked for). */
    public InetSocketAddress address() {
        if (server == null) {
            throw new IllegalStateException("the REST API is not started");
        }
        return server.address();
    }

    /** The server (tests look at its connection counts). */
    RestServer server() {
        if (server == null) {
            throw new IllegalStateException("the REST API is not started");
        }
        return server;
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
            server = null;
        }
    }
}
