package dev.weft.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.List;
import java.util.Map;

/**
 * A request as a route sees it: the path parameters (decoded), the query and the body.
 */
public record Request(String method, String path, Map<String, String> params, Map<String, List<String>> query,
                      byte[] body) {

    public String param(String name) {
        String v = params.get(name);
        if (v == null) {
            throw new IllegalStateException("no path parameter " + name);
        }
        return v;
    }

    /** A query parameter as an int within bounds, or the default. */
    public int intQuery(String name, int dflt, int min, int max) {
        List<String> v = query.get(name);
        if (v == null || v.isEmpty()) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v.get(0));
            if (n < min || n > max) {
                throw ApiException.invalid(name + " must be " + min + ".." + max + " (was " + n + ")", name);
            }
            return n;
        } catch (NumberFormatException e) {
            throw ApiException.invalid(name + " must be a whole number (was '" + v.get(0) + "')", name);
        }
    }

    /** The body as a JSON object; 400 when it is missing, not JSON, or not an object. */
    public JsonNode jsonObject(ObjectMapper mapper) {
        if (body.length == 0) {
            throw ApiException.badRequest("this request needs a JSON object as its body");
        }
        JsonNode n;
        try {
            n = mapper.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("the body is not valid JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ")"));
        } catch (java.io.IOException e) {
            throw ApiException.badRequest("the body cannot be read: " + e.getMessage());
        }
        if (n == null || !n.isObject()) {
            throw ApiException.badRequest("the body must be a JSON object");
        }
        return n;
    }
}
