package dev.longvqa.functions.api;

import dev.longvqa.contract.JobRow;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.List;
import java.util.Map;

/** Reading job row attributes (written by register, the stages and record) without repeating null checks. */
final class Rows {
    private Rows() {}

    static String str(Map<String, AttributeValue> row, String name) {
        AttributeValue v = row.get(name);
        return v == null ? null : v.s();
    }

    static Long num(Map<String, AttributeValue> row, String name) {
        AttributeValue v = row.get(name);
        if (v == null || v.n() == null) return null;
        return (long) Double.parseDouble(v.n());
    }

    static Double dbl(Map<String, AttributeValue> row, String name) {
        AttributeValue v = row.get(name);
        return v == null || v.n() == null ? null : Double.parseDouble(v.n());
    }

    static List<AttributeValue> list(Map<String, AttributeValue> row, String name) {
        AttributeValue v = row.get(name);
        return v == null || !v.hasL() ? List.of() : v.l();
    }

    static Map<String, AttributeValue> map(Map<String, AttributeValue> row, String name) {
        AttributeValue v = row.get(name);
        return v == null || !v.hasM() ? Map.of() : v.m();
    }

    static String status(Map<String, AttributeValue> row) {
        return str(row, JobRow.STATUS);
    }

    /** The last part of the key: the name the file was uploaded as. */
    static String fileName(Map<String, AttributeValue> row) {
        String key = str(row, "key");
        return key == null ? null : key.substring(key.lastIndexOf('/') + 1);
    }
}
