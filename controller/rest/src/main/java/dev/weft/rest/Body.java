package dev.weft.rest;

import io.netty.buffer.ByteBuf;

/**
 * The bytes of one answer's body, held once however many connections send them: a connection
 * writes slices of this buffer, never a copy. Counted in the server's {@link OutputBudget} from
 * the moment it is admitted until its last holder (the {@link AnswerCache}, each connection
 * sending it) lets go.
 */
final class Body {
    private final ByteBuf bytes;
    private final String contentType;
    private final OutputBudget budget;
    private int holders = 1; // guarded by budget

    Body(ByteBuf bytes, String contentType, OutputBudget budget) {
        this.bytes = bytes;
        this.contentType = contentType;
        this.budget = budget;
    }

    int size() {
        return bytes.readableBytes();
    }

    String contentType() {
        return contentType;
    }

    /** {@code length} bytes from {@code offset}, as a slice the caller releases (the same memory). */
    ByteBuf slice(int offset, int length) {
        return bytes.retainedSlice(bytes.readerIndex() + offset, length);
    }

    /** One more holder; false when the body has already been let go of. */
    boolean hold() {
        synchronized (budget) {
            if (holders == 0) {
                return false;
            }
            holders++;
            return true;
        }
    }

    /** Whether only one holder has it (for the cache: nobody is sending it). */
    boolean heldOnce() {
        synchronized (budget) {
            return holders == 1;
        }
    }

    /** One holder fewer; the last one gives the bytes back to the budget (slices in flight keep the memory until written). */
    void release() {
        synchronized (budget) {
            if (holders == 0) {
                throw new IllegalStateException("released once too often");
            }
            if (--holders > 0) {
                return;
            }
            budget.giveBack(size());
        }
        bytes.release();
    }
}
