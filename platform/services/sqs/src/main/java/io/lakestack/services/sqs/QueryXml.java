package io.lakestack.services.sqs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Iterator;
import java.util.Map;

/**
 * Writes an operation's output, built as its JSON 1.0 document, as the Query protocol's XML answer. SQS's Query
 * shapes are flattened: a list repeats its member element ({@code QueueUrls} -> {@code <QueueUrl>}...), a map repeats
 * an entry element with a key and a value ({@code Attributes} -> {@code <Attribute><Name/><Value/></Attribute>}).
 */
final class QueryXml
{
    static final String NAMESPACE = "http://queue.amazonaws.com/doc/2012-11-05/";

    /** The element each member of a list is written as. */
    private static final Map<String, String> LIST_MEMBERS = Map.of(
            "QueueUrls", "QueueUrl",
            "queueUrls", "QueueUrl",
            "Messages", "Message",
            "Failed", "BatchResultErrorEntry",
            "Results", "ListMessageMoveTasksResultEntry");
    /** The entry element of each map, with the names of its key and value. */
    private static final Map<String, String[]> MAP_ENTRIES = Map.of(
            "Attributes", new String[] {"Attribute", "Name", "Value"},
            "Tags", new String[] {"Tag", "Key", "Value"},
            "MessageAttributes", new String[] {"MessageAttribute", "Name", "Value"});

    private QueryXml() {}

    static String document(String operation, ObjectNode output, String requestId)
    {
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\"?>\n<").append(operation).append("Response xmlns=\"").append(NAMESPACE).append("\">");
        if (!output.isEmpty()) {
            xml.append('<').append(operation).append("Result>");
            structure(xml, output, operation);
            xml.append("</").append(operation).append("Result>");
        }
        xml.append("<ResponseMetadata><RequestId>").append(requestId).append("</RequestId></ResponseMetadata></").append(operation).append("Response>");
        return xml.toString();
    }

    private static void structure(StringBuilder xml, JsonNode node, String operation)
    {
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String name = field.getKey();
            JsonNode value = field.getValue();
            if (value.isArray()) {
                String member = name.equals("Successful") ? operation + "ResultEntry" : LIST_MEMBERS.getOrDefault(name, name);
                for (JsonNode element : value) {
                    if (element.isObject()) {
                        xml.append('<').append(member).append('>');
                        structure(xml, element, operation);
                        xml.append("</").append(member).append('>');
                    }
                    else {
                        element(xml, member, element.asText());
                    }
                }
            }
            else if (value.isObject() && MAP_ENTRIES.containsKey(name)) {
                String[] entry = MAP_ENTRIES.get(name);
                Iterator<Map.Entry<String, JsonNode>> entries = value.fields();
                while (entries.hasNext()) {
                    Map.Entry<String, JsonNode> mapEntry = entries.next();
                    xml.append('<').append(entry[0]).append('>');
                    element(xml, entry[1], mapEntry.getKey());
                    if (mapEntry.getValue().isObject()) {
                        xml.append('<').append(entry[2]).append('>');
                        structure(xml, mapEntry.getValue(), operation);
                        xml.append("</").append(entry[2]).append('>');
                    }
                    else {
                        element(xml, entry[2], mapEntry.getValue().asText());
                    }
                    xml.append("</").append(entry[0]).append('>');
                }
            }
            else if (value.isObject()) {
                xml.append('<').append(name).append('>');
                structure(xml, value, operation);
                xml.append("</").append(name).append('>');
            }
            else {
                element(xml, name, value.asText());
            }
        }
    }

    private static void element(StringBuilder xml, String name, String text)
    {
        xml.append('<').append(name).append('>');
        escape(xml, text);
        xml.append("</").append(name).append('>');
    }

    /** Escapes text, {@code \r} included: an XML parser would read a literal one as {@code \n} and change a message's body. */
    static void escape(StringBuilder xml, String text)
    {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> xml.append("&amp;");
                case '<' -> xml.append("&lt;");
                case '>' -> xml.append("&gt;");
                case '"' -> xml.append("&quot;");
                case '\'' -> xml.append("&apos;");
                case '\r' -> xml.append("&#xD;");
                default -> xml.append(c);
            }
        }
    }
}
