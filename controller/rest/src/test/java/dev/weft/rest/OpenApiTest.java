package dev.weft.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.core.Controller;
import dev.weft.core.ControllerSettings;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The OpenAPI document describes exactly the routes the server serves, and each one fully. */
class OpenApiTest {

    private static List<Route> routes() {
        try (Controller c = Controller.start(ControllerSettings.builder()
                .listen(List.of(new InetSocketAddress("127.0.0.1", 0))).apps(List.of()).dispatchThreads(1).build())) {
            return new RestApi(c, c::service, RestServer.newWriter()).routes();
        }
    }

    @Test
    void everyRouteIsDocumentedAndEveryDocumentedOperationIsServed() {
        Set<String> served = new TreeSet<>();
        for (Route r : routes()) {
            assertTrue(served.add(r.method() + " " + r.path()), "route defined twice: " + r.path());
        }
        JsonNode doc = RestApi.openApiDocument();
        Set<String> documented = new TreeSet<>();
        doc.path("paths").fields().forEachRemaining(p -> p.getValue().fieldNames().forEachRemaining(m -> {
            if (Set.of("get", "post", "put", "delete", "patch").contains(m)) {
                documented.add(m.toUpperCase(Locale.ROOT) + " " + p.getKey());
            }
        }));
        assertEquals(served, documented);
    }

    @Test
    void everyOperationDeclaresItsPathParametersAndItsAnswers() {
        JsonNode doc = RestApi.openApiDocument();
        JsonNode params = doc.path("components").path("parameters");
        Pattern braces = Pattern.compile("\\{([^}]+)}");
        Set<String> ids = new HashSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = doc.path("paths").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> p = it.next();
            Set<String> inPath = new TreeSet<>();
            Matcher m = braces.matcher(p.getKey());
            while (m.find()) {
                inPath.add(m.group(1));
            }
            p.getValue().fields().forEachRemaining(op -> {
                String what = op.getKey() + " " + p.getKey();
                Set<String> declared = new TreeSet<>();
                op.getValue().path("parameters").forEach(x -> {
                    JsonNode def = x.has("$ref") ? params.path(x.path("$ref").asText().replaceAll(".*/", "")) : x;
                    assertFalse(def.isMissingNode(), what + ": " + x);
                    if ("path".equals(def.path("in").asText())) {
                        declared.add(def.path("name").asText());
                    }
                });
                assertEquals(inPath, declared, what + ": path parameters");
                assertTrue(ids.add(op.getValue().path("operationId").asText()), what + ": operationId unique");
                assertFalse(op.getValue().path("summary").asText().isBlank(), what + ": summary");
                JsonNode responses = op.getValue().path("responses");
                assertTrue(responses.has("401"), what + ": 401");
                assertTrue(responses.fieldNames().hasNext() && (responses.has("200") || responses.has("201")),
                        what + ": a success");
                if (!inPath.isEmpty() && !p.getKey().endsWith("/flows") && !op.getKey().equals("post")
                        || op.getKey().equals("delete")) {
                    assertTrue(responses.has("404"), what + ": 404 for an unknown name");
                }
                if (op.getKey().equals("post") && !p.getKey().endsWith("/reload")) {
                    assertTrue(responses.has("400") && responses.has("409"), what + ": 400 and 409");
                }
            });
        }
    }

    @Test
    void everyReferenceResolves() {
        JsonNode doc = RestApi.openApiDocument();
        List<String> refs = new java.util.ArrayList<>();
        collect(doc, refs);
        assertFalse(refs.isEmpty());
        for (String ref : refs) {
            assertTrue(ref.startsWith("#/"), ref);
            assertFalse(doc.at(ref.substring(1)).isMissingNode(), "unresolved " + ref);
        }
    }

    private static void collect(JsonNode n, List<String> refs) {
        if (n.isObject()) {
            n.fields().forEachRemaining(e -> {
                if (e.getKey().equals("$ref")) {
                    refs.add(e.getValue().asText());
                } else {
                    collect(e.getValue(), refs);
                }
            });
        } else if (n.isArray()) {
            n.forEach(x -> collect(x, refs));
        }
    }
}
