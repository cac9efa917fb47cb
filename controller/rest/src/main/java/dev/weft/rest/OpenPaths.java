package dev.weft.rest;

/**
 * What is served without the token where one is required: the console's page and its static
 * files ({@code GET /} and {@code GET /ui/...}). They hold no data (the page asks for the token
 * and sends it with each request it makes), and a browser cannot send a bearer token when a
 * person types the address. Everything else, {@code /metrics} and {@code /health} included,
 * needs the token.
 */
public final class OpenPaths {
    private OpenPaths() {
    }

    public static boolean isOpen(String method, String path) {
        if (!method.equals("GET") && !method.equals("HEAD")) {
            return false;
        }
        return path.equals("/") || path.startsWith("/ui/") && !path.contains("..");
    }
}
