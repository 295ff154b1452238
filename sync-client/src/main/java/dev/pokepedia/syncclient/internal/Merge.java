package dev.pokepedia.syncclient.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/** Three-way merge of top-level payload fields against the last synced base. */
public final class Merge {

    private Merge() {
    }

    /**
     * Fields changed on one side only are taken from that side; fields changed on both sides to different values
     * come from the local side when {@code tieLocal}, else from the remote side. A field removed on one side counts as
     * changed to "absent".
     */
    public static ObjectNode threeWay(ObjectNode base, ObjectNode local, ObjectNode remote, boolean tieLocal) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        Set<String> fields = new LinkedHashSet<>();
        base.fieldNames().forEachRemaining(fields::add);
        local.fieldNames().forEachRemaining(fields::add);
        remote.fieldNames().forEachRemaining(fields::add);
        for (String f : fields) {
            JsonNode b = base.get(f);
            JsonNode l = local.get(f);
            JsonNode r = remote.get(f);
            boolean localChanged = !Objects.equals(b, l);
            boolean remoteChanged = !Objects.equals(b, r);
            JsonNode pick;
            if (localChanged && remoteChanged && !Objects.equals(l, r)) {
                pick = tieLocal ? l : r;
            } else if (localChanged) {
                pick = l;
            } else {
                pick = r;
            }
            if (pick != null) {
                out.set(f, pick);
            }
        }
        return out;
    }
}
