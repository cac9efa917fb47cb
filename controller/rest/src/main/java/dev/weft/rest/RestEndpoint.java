package dev.weft.rest;

import dev.weft.core.Controller;
import dev.weft.core.Extension;

import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;

/**
 * The REST API as a controller {@link Extension}: started with the controller (after its apps and
 * listeners), stopped before it.
 *
 * <pre>{@code Controller c = Controller.builder(settings).extension(new RestEndpoint(rest)).start();}</pre>
 */
public final class RestEndpoint implements Extension {
    private final RestSettings settings;
    private RestServer server;

    public RestEndpoint(RestSettings settings) {
        this.settings = settings;
    }

    @Override
    public String name() {
        return "rest";
    }

    @Override
    public void start(Controller controller) {
        ExecutorService writer = RestServer.newWriter();
        server = new RestServer(settings, new RestApi(controller, controller::service, writer).routes(), writer);
    }

    /** Where the API listens (the bound port when 0 was asked for). */
    public InetSocketAddress address() {
        if (server == null) {
            throw new IllegalStateException("the REST API is not started");
        }
        return server.address();
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
            server = null;
        }
    }
}
