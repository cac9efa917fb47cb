package dev.weft.sim.datapath;

import java.util.List;
import org.projectfloodlight.openflow.protocol.OFBucket;
import org.projectfloodlight.openflow.protocol.OFErrorType;
import org.projectfloodlight.openflow.protocol.OFGroupMod;
import org.projectfloodlight.openflow.protocol.OFGroupModFailedCode;
import org.projectfloodlight.openflow.protocol.OFGroupType;
import org.projectfloodlight.openflow.protocol.action.OFAction;
import org.projectfloodlight.openflow.protocol.OFActionType;
import org.projectfloodlight.openflow.types.OFGroup;

/**
 * GROUP_MOD semantics for groups of type ALL and INDIRECT: ADD (GROUP_EXISTS), MODIFY
 * (UNKNOWN_GROUP), DELETE (also of OFPG_ALL; removes flows that use the group). Other group types
 * are rejected with BAD_TYPE and chaining groups with CHAINING_UNSUPPORTED.
 */
final class GroupMods {
    private static final long MAX_GROUP = 0xffffff00L;

    private final Datapath dp;
    private final ActionValidator validator;
    private final FlowMods flowMods;

    GroupMods(Datapath dp, ActionValidator validator, FlowMods flowMods) {
        this.dp = dp;
        this.validator = validator;
        this.flowMods = flowMods;
    }

    void handle(OFGroupMod gm) throws OfErrorException {
        int id = gm.getGroup().getGroupNumber();
        switch (gm.getCommand()) {
            case ADD -> {
                check(gm);
                if (dp.groups.containsKey(id)) {
                    throw new OfErrorException(OFErrorType.GROUP_MOD_FAILED, OFGroupModFailedCode.GROUP_EXISTS,
                            "group " + id + " exists");
                }
                dp.groups.put(id, new GroupEntry(id, gm.getGroupType(), gm.getBuckets(), dp.now()));
            }
            case MODIFY -> {
                check(gm);
                GroupEntry g = dp.groups.get(id);
                if (g == null) {
                    throw new OfErrorException(OFErrorType.GROUP_MOD_FAILED, OFGroupModFailedCode.UNKNOWN_GROUP,
                            "group " + id + " does not exist");
                }
                g.update(gm.getGroupType(), gm.getBuckets());
            }
            case DELETE -> {
                if (gm.getGroup().equals(OFGroup.ALL)) {
                    for (Integer g : List.copyOf(dp.groups.keySet())) {
                        delete(g);
                    }
                } else {
                    delete(id);
                }
            }
            default -> throw new OfErrorException(OFErrorType.GROUP_MOD_FAILED, OFGroupModFailedCode.BAD_COMMAND,
                    "group-mod command " + gm.getCommand() + " is not supported");
        }
    }

    private void delete(int id) {
        if (dp.groups.remove(id) != null) {
            flowMods.removeFlowsUsingGroup(id);
        }
    }

    private void check(OFGroupMod gm) throws OfErrorException {
        long id = gm.getGroup().getGroupNumber() & 0xffffffffL;
        if (id > MAX_GROUP) {
            throw new OfErrorException(OFErrorType.GROUP_MOD_FAILED, OFGroupModFailedCode.INVALID_GROUP,
                    "group id " + id + " is reserved");
        }
        OFGroupType type = gm.getGroupType();
        if (type != OFGroupType.ALL && type != OFGroupType.INDIRECT) {
            throw new OfErrorException(OFErrorType.GROUP_MOD_FAILED, OFGroupModFailedCode.BAD_TYPE,
                    "group type " + type + " is not supported (ALL and INDIRECT are)");
        }
        if (type == OFGroupType.INDIRECT && gm.getBuckets().size() != 1) {
            throw new OfErrorException(OFErrorType.GROUP_MOD_FAILED, OFGroupModFailedCode.BAD_BUCKET,
                    "an INDIRECT group needs exactly one bucket");
        }
        for (OFBucket b : gm.getBuckets()) {
            for (OFAction a : b.getActions()) {
                if (a.getType() == OFActionType.GROUP) {
                    throw new OfErrorException(OFErrorType.GROUP_MOD_FAILED,
                            OFGroupModFailedCode.CHAINING_UNSUPPORTED, "groups cannot point at groups here");
                }
            }
            validator.actions(b.getActions(), null, false);
        }
    }
}
