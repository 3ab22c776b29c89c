package io.lakestack.services.sqs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code AddPermission} and {@code RemovePermission}: statements added to and removed from a queue's {@code Policy}
 * document as AWS writes them ({@code "Id": "<queue arn>/SQSDefaultPolicy"}, one statement per label). The policy is
 * kept and answered; lakestack has one account and no IAM, so it never denies anything.
 */
final class QueuePolicies
{
    /** The actions a permission can grant: those of a queue's messages and attributes, not those that administer it. */
    static final Set<String> GRANTABLE = Set.of("*", "SendMessage", "ReceiveMessage", "DeleteMessage", "ChangeMessageVisibility", "GetQueueAttributes",
            "GetQueueUrl", "ListDeadLetterSourceQueues", "PurgeQueue", "ListQueueTags", "SendMessageBatch", "DeleteMessageBatch",
            "ChangeMessageVisibilityBatch");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9_-]{1,80}");
    private static final Pattern ACCOUNT = Pattern.compile("[0-9]{12}");

    private QueuePolicies() {}

    static String add(Optional<String> policy, String queueArn, String label, List<String> accountIds, List<String> actions)
    {
        checkLabel(label);
        if (accountIds.isEmpty()) {
            throw SqsErrors.missingParameter("AWSAccountIds");
        }
        if (actions.isEmpty()) {
            throw SqsErrors.missingParameter("Actions");
        }
        for (String account : accountIds) {
            if (!ACCOUNT.matcher(account).matches()) {
                throw SqsErrors.invalidParameter("AWSAccountId", account, "An AWS account id is 12 digits.");
            }
        }
        for (String action : actions) {
            if (!GRANTABLE.contains(action)) {
                throw SqsErrors.invalidParameter("ActionName", "SQS:" + action, "Please refer to the appropriate WSDL for a list of valid actions.");
            }
        }
        ObjectNode document = policy.flatMap(QueuePolicies::read).orElseGet(() -> {
            ObjectNode created = JSON.createObjectNode();
            created.put("Version", "2008-10-17");
            created.put("Id", queueArn + "/SQSDefaultPolicy");
            return created;
        });
        ArrayNode statements = statements(document);
        for (JsonNode statement : statements) {
            if (label.equals(statement.path("Sid").asText(null))) {
                throw SqsErrors.invalidParameter("Label", label, "Already exists.");
            }
        }
        ObjectNode statement = statements.addObject();
        statement.put("Sid", label);
        statement.put("Effect", "Allow");
        ObjectNode principal = statement.putObject("Principal");
        if (accountIds.size() == 1) {
            principal.put("AWS", "arn:aws:iam::" + accountIds.get(0) + ":root");
        }
        else {
            ArrayNode principals = principal.putArray("AWS");
            accountIds.forEach(account -> principals.add("arn:aws:iam::" + account + ":root"));
        }
        if (actions.size() == 1) {
            statement.put("Action", "SQS:" + actions.get(0));
        }
        else {
            ArrayNode granted = statement.putArray("Action");
            actions.forEach(action -> granted.add("SQS:" + action));
        }
        statement.put("Resource", queueArn);
        return document.toString();
    }

    /** The policy without the label's statement; empty once no statement is left (the queue then has no policy). */
    static Optional<String> remove(Optional<String> policy, String label)
    {
        checkLabel(label);
        ObjectNode document = policy.flatMap(QueuePolicies::read).orElseThrow(() -> SqsErrors.invalidParameter("Label", label, "can't find label."));
        ArrayNode statements = statements(document);
        for (int i = 0; i < statements.size(); i++) {
            if (label.equals(statements.get(i).path("Sid").asText(null))) {
                statements.remove(i);
                return statements.isEmpty() ? Optional.empty() : Optional.of(document.toString());
            }
        }
        throw SqsErrors.invalidParameter("Label", label, "can't find label.");
    }

    private static void checkLabel(String label)
    {
        if (!LABEL.matcher(label).matches()) {
            throw SqsErrors.invalidParameter("Label", label, "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length.");
        }
    }

    private static ArrayNode statements(ObjectNode document)
    {
        JsonNode statements = document.get("Statement");
        if (statements instanceof ArrayNode array) {
            return array;
        }
        ArrayNode array = JSON.createArrayNode();
        if (statements != null && statements.isObject()) {
            array.add(statements);
        }
        document.set("Statement", array);
        return array;
    }

    private static Optional<ObjectNode> read(String policy)
    {
        try {
            return JSON.readTree(policy) instanceof ObjectNode object ? Optional.of(object) : Optional.empty();
        }
        catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }
}
