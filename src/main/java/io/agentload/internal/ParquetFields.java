package io.agentload.internal;

import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.MessageType;

/**
 * The fields of one record being written, each named by its index in the file's schema and given in schema order.
 * A field not given is null (it must be optional). Lists are the standard three-level LIST
 * ({@code optional group name (LIST) { repeated group list { required element; } }}), an empty list written as null.
 */
public final class ParquetFields {
    private final MessageType schema;
    private final RecordConsumer out;
    /** Per field, the last string and its UTF-8 encoding: rows of one session repeat their strings. */
    private final String[] lastString;
    private final Binary[] lastBinary;

    ParquetFields(MessageType schema, RecordConsumer out) {
        this.schema = schema;
        this.out = out;
        lastString = new String[schema.getFieldCount()];
        lastBinary = new Binary[schema.getFieldCount()];
    }

    void start() {
        out.startMessage();
    }

    void end() {
        out.endMessage();
    }

    public void int32(int field, int value) {
        String name = start(field);
        out.addInteger(value);
        out.endField(name, field);
    }

    public void int64(int field, long value) {
        String name = start(field);
        out.addLong(value);
        out.endField(name, field);
    }

    public void float32(int field, float value) {
        String name = start(field);
        out.addFloat(value);
        out.endField(name, field);
    }

    public void float64(int field, double value) {
        String name = start(field);
        out.addDouble(value);
        out.endField(name, field);
    }

    public void bool(int field, boolean value) {
        String name = start(field);
        out.addBoolean(value);
        out.endField(name, field);
    }

    /** A UTF-8 string (BINARY with the STRING logical type). */
    public void string(int field, String value) {
        if (!value.equals(lastString[field])) {
            lastString[field] = value;
            lastBinary[field] = Binary.fromString(value);
        }
        String name = start(field);
        out.addBinary(lastBinary[field]);
        out.endField(name, field);
    }

    /** A float, or null for NaN. */
    public void float32OrNull(int field, float value) {
        if (!Float.isNaN(value)) float32(field, value);
    }

    /** A double, or null for NaN. */
    public void float64OrNull(int field, double value) {
        if (!Double.isNaN(value)) float64(field, value);
    }

    /** A LIST of INT64; null when empty. */
    public void int64List(int field, long[] values) {
        if (values.length == 0) return;
        String name = startList(field);
        for (long value : values) {
            startElement();
            out.addLong(value);
            endElement();
        }
        endList(name, field);
    }

    /** A LIST of FLOAT; null when empty. */
    public void float32List(int field, float[] values) {
        if (values.length == 0) return;
        String name = startList(field);
        for (float value : values) {
            startElement();
            out.addFloat(value);
            endElement();
        }
        endList(name, field);
    }

    private String start(int field) {
        String name = schema.getFieldName(field);
        out.startField(name, field);
        return name;
    }

    private String startList(int field) {
        String name = start(field);
        out.startGroup();
        out.startField("list", 0);
        return name;
    }

    private void startElement() {
        out.startGroup();
        out.startField("element", 0);
    }

    private void endElement() {
        out.endField("element", 0);
        out.endGroup();
    }

    private void endList(String name, int field) {
        out.endField("list", 0);
        out.endGroup();
        out.endField(name, field);
    }
}
