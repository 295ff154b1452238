package dev.pokepedia.syncclient;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pokepedia.syncclient.internal.Json;

/** Test JSON shorthand: single quotes allowed. */
final class J {
    private J() {
    }

    static ObjectNode o(String json) {
        return Json.readObject(json.replace('\'', '"'), "test JSON");
    }
}
