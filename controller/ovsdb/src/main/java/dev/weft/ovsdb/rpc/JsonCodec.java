package dev.weft.ovsdb.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.MessageToByteEncoder;
import io.netty.handler.codec.MessageToMessageDecoder;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/**
 * JSON values on a stream, as RFC 7047 sends them (no framing: one JSON object after another).
 * Netty's {@code JsonObjectDecoder} cuts the stream into objects; these two handlers turn an
 * object's bytes into a Jackson tree and back.
 */
final class JsonCodec {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private JsonCodec() {
    }

    /** Bytes of one JSON object → a tree; bytes that are not JSON close the connection (a corrupt peer). */
    static final class Decoder extends MessageToMessageDecoder<ByteBuf> {
        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
            try (ByteBufInputStream s = new ByteBufInputStream(in)) {
                JsonNode n = MAPPER.readTree((java.io.InputStream) s);
                if (n == null || !n.isObject()) {
                    throw new CorruptedFrameException("a JSON-RPC message must be an object");
                }
                out.add(n);
            } catch (IOException e) {
                throw new CorruptedFrameException("not JSON: " + e.getMessage(), e);
            }
        }
    }

    /** A tree → its bytes. */
    static final class Encoder extends MessageToByteEncoder<JsonNode> {
        Encoder() {
            super(JsonNode.class);
        }

        @Override
        protected void encode(ChannelHandlerContext ctx, JsonNode msg, ByteBuf out) throws IOException {
            try (OutputStream s = new io.netty.buffer.ByteBufOutputStream(out)) {
                MAPPER.writeValue(s, msg);
            }
        }
    }
}
