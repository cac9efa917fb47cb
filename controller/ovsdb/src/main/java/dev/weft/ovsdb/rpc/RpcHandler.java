package dev.weft.ovsdb.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.timeout.IdleStateEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JSON-RPC 1.0 as RFC 7047 uses it, for one {@link OvsdbClient}: replies go to their pending
 * requests by id, {@code update} notifications to their monitors, the server's {@code echo}
 * requests are answered, and a silent server is probed, then dropped.
 */
final class RpcHandler extends SimpleChannelInboundHandler<JsonNode> {
    private static final Logger log = LoggerFactory.getLogger(RpcHandler.class);
    private final OvsdbClient client;
    private boolean probing;

    RpcHandler(OvsdbClient client) {
        this.client = client;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, JsonNode msg) {
        probing = false;
        JsonNode method = msg.get("method");
        JsonNode id = msg.get("id");
        if (method != null && method.isTextual()) {
            switch (method.asText()) {
                case "echo" -> {
                    ObjectNode reply = OvsdbClient.JSON.objectNode();
                    reply.set("result", msg.has("params") ? msg.get("params") : OvsdbClient.JSON.arrayNode());
                    reply.putNull("error");
                    reply.set("id", id == null ? OvsdbClient.JSON.nullNode() : id);
                    ctx.writeAndFlush(reply);
                }
                case "update" -> {
                    JsonNode p = msg.get("params");
                    if (p == null || !p.isArray() || p.size() != 2 || !client.update(p.get(0).asText(), p.get(1))) {
                        log.debug("{}: update for no monitor of ours ignored", client.address());
                    }
                }
                default -> {
                    if (id != null && !id.isNull()) {
                        // A request we do not serve: say so, as JSON-RPC expects an answer.
                        ObjectNode reply = OvsdbClient.JSON.objectNode();
                        reply.putNull("result");
                        reply.put("error", "unknown method");
                        reply.set("id", id);
                        ctx.writeAndFlush(reply);
                    }
                }
            }
            return;
        }
        if (id != null && id.canConvertToLong() && id.isIntegralNumber()) {
            client.reply(id.asLong(), msg.get("result"), msg.get("error"));
        } else {
            log.debug("{}: message with no method and no id of ours ignored", client.address());
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent) {
            if (probing) {
                client.closing("no answer to an echo probe from " + client.address());
                log.warn("{}: silent after an echo probe; closing", client.address());
                ctx.close();
                return;
            }
            probing = true;
            ObjectNode echo = OvsdbClient.JSON.objectNode().put("method", "echo").put("id", "probe");
            echo.set("params", OvsdbClient.JSON.arrayNode());
            ctx.writeAndFlush(echo);
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        client.closing(cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage());
        log.warn("{}: closing the OVSDB connection: {}", client.address(), cause.toString());
        ctx.close();
    }
}
