package io.github.smartauthorizer.examples.sam;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What CloudFormation makes of a template's values for given parameter values, as far as the tests need it: Ref to
 * parameters and pseudo parameters, Fn::If with the template's Conditions (Equals, Not, And, Or, Condition), Fn::Join,
 * Fn::Sub and AWS::NoValue. References to resources and their attributes stay symbolic ({@code {GetAtt Role.Arn}}),
 * which is all a comparison between two parameter sets needs: they are the same in both.
 */
final class CloudFormationValues {
  private static final Object NO_VALUE = new Object();
  private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{([^}!]+)}");
  private static final Map<String, String> PSEUDO = Map.of("AWS::Region", "us-east-1", "AWS::AccountId",
      "111122223333", "AWS::Partition", "aws", "AWS::StackName", "smart-authorizer", "AWS::URLSuffix",
      "amazonaws.com");

  private final Map<String, Object> conditions;
  private final Map<String, Object> parameters = new LinkedHashMap<>();

  /**
   * @param template the template (its Parameters' defaults, its Conditions)
   * @param values parameter values, as given to CloudFormation; the rest take their defaults
   */
  CloudFormationValues(Map<String, Object> template, Map<String, String> values) {
    this.conditions = SamTemplateTest.map(template.getOrDefault("Conditions", Map.of()));
    Map<String, Object> declared = SamTemplateTest.map(template.get("Parameters"));
    for (Map.Entry<String, Object> parameter : declared.entrySet()) {
      Map<String, Object> declaration = SamTemplateTest.map(parameter.getValue());
      Object value = values.containsKey(parameter.getKey()) ? values.get(parameter.getKey())
          : declaration.get("Default");
      if (value == null) {
        continue;
      }
      String text = String.valueOf(value);
      this.parameters.put(parameter.getKey(), "CommaDelimitedList".equals(declaration.get("Type"))
          ? List.of(text.split(",", -1)) : text);
    }
    for (String name : values.keySet()) {
      if (!declared.containsKey(name)) {
        throw new IllegalArgumentException("no parameter " + name);
      }
    }
  }

  /** The parameter values CloudFormation would pass to the SAM transform: every parameter, as strings. */
  Map<String, Object> parameterValues() {
    Map<String, Object> values = new LinkedHashMap<>();
    parameters.forEach((name, value) -> values.put(name, value instanceof List<?> list
        ? String.join(",", list.stream().map(String::valueOf).toList()) : value));
    return values;
  }

  /** The value with every intrinsic function evaluated (resources symbolic) and AWS::NoValue removed. */
  Object resolve(Object value) {
    Object resolved = evaluate(value);
    return resolved == NO_VALUE ? null : resolved;
  }

  /**
   * The value as a custom resource's Lambda receives it: resolved, with every scalar a string (CloudFormation passes
   * custom resource properties as strings).
   */
  Object asCustomResourceProperties(Object value) {
    return stringify(resolve(value));
  }

  private static Object stringify(Object value) {
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> strings = new LinkedHashMap<>();
      map.forEach((key, item) -> strings.put(String.valueOf(key), stringify(item)));
      return strings;
    }
    if (value instanceof List<?> list) {
      return list.stream().map(CloudFormationValues::stringify).toList();
    }
    return value == null ? null : String.valueOf(value);
  }

  private Object evaluate(Object value) {
    if (value instanceof Map<?, ?> map) {
      if (map.size() == 1) {
        String key = String.valueOf(map.keySet().iterator().next());
        Object argument = map.values().iterator().next();
        switch (key) {
          case "Ref":
            return ref(String.valueOf(argument));
          case "Fn::GetAtt":
            return "{GetAtt " + String.join(".", SamTemplateTest.list(argument).stream().map(String::valueOf)
                .toList()) + "}";
          case "Fn::If": {
            List<Object> branches = SamTemplateTest.list(argument);
            return evaluate(condition(String.valueOf(branches.get(0))) ? branches.get(1) : branches.get(2));
          }
          case "Fn::Join": {
            List<Object> join = SamTemplateTest.list(argument);
            Object items = evaluate(join.get(1));
            return String.join(String.valueOf(join.get(0)), SamTemplateTest.list(items).stream()
                .map(String::valueOf).toList());
          }
          case "Fn::Sub":
            return sub(argument);
          default:
            if (key.startsWith("Fn::") || key.equals("Condition")) {
              throw new IllegalArgumentException("not evaluated here: " + map);
            }
        }
      }
      Map<String, Object> resolved = new LinkedHashMap<>();
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        Object item = evaluate(entry.getValue());
        if (item != NO_VALUE) {
          resolved.put(String.valueOf(entry.getKey()), item);
        }
      }
      return resolved;
    }
    if (value instanceof List<?> list) {
      List<Object> resolved = new ArrayList<>();
      for (Object item : list) {
        Object evaluated = evaluate(item);
        if (evaluated != NO_VALUE) {
          resolved.add(evaluated);
        }
      }
      return resolved;
    }
    return value;
  }

  private Object ref(String name) {
    if (name.equals("AWS::NoValue")) {
      return NO_VALUE;
    }
    if (PSEUDO.containsKey(name)) {
      return PSEUDO.get(name);
    }
    if (parameters.containsKey(name)) {
      return parameters.get(name);
    }
    return "{Ref " + name + "}";
  }

  private String sub(Object argument) {
    String text;
    Map<String, Object> variables = Map.of();
    if (argument instanceof List<?> list) {
      text = String.valueOf(list.get(0));
      variables = SamTemplateTest.map(list.get(1));
    } else {
      text = String.valueOf(argument);
    }
    Matcher matcher = SUB_VARIABLE.matcher(text);
    StringBuilder result = new StringBuilder();
    while (matcher.find()) {
      String name = matcher.group(1);
      Object value;
      if (variables.containsKey(name)) {
        value = evaluate(variables.get(name));
      } else if (name.contains(".") && !name.startsWith("AWS::")) {
        value = evaluate(Map.of("Fn::GetAtt", Arrays.asList(name.split("\\.", 2))));
      } else {
        value = ref(name);
      }
      matcher.appendReplacement(result, Matcher.quoteReplacement(String.valueOf(value)));
    }
    matcher.appendTail(result);
    return result.toString();
  }

  /** A condition of the template's Conditions. */
  boolean condition(String name) {
    if (!conditions.containsKey(name)) {
      throw new IllegalArgumentException("no condition " + name);
    }
    return truth(conditions.get(name));
  }

  private boolean truth(Object expression) {
    Map<String, Object> function = SamTemplateTest.map(expression);
    String key = function.keySet().iterator().next();
    Object argument = function.get(key);
    return switch (key) {
      case "Condition" -> condition(String.valueOf(argument));
      case "Fn::Equals" -> {
        List<Object> sides = SamTemplateTest.list(argument);
        yield Objects.equals(String.valueOf(evaluate(sides.get(0))), String.valueOf(evaluate(sides.get(1))));
      }
      case "Fn::Not" -> !truth(SamTemplateTest.list(argument).get(0));
      case "Fn::And" -> SamTemplateTest.list(argument).stream().allMatch(this::truth);
      case "Fn::Or" -> SamTemplateTest.list(argument).stream().anyMatch(this::truth);
      default -> throw new IllegalArgumentException("not a condition function: " + function);
    };
  }

  /** Compact JSON of maps, lists, strings, numbers, booleans and null (for the tools the tests call). */
  static String json(Object value) {
    StringBuilder out = new StringBuilder();
    writeJson(value, out);
    return out.toString();
  }

  private static void writeJson(Object value, StringBuilder out) {
    if (value == null) {
      out.append("null");
    } else if (value instanceof Map<?, ?> map) {
      out.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        out.append(first ? "" : ",");
        first = false;
        writeJson(String.valueOf(entry.getKey()), out);
        out.append(':');
        writeJson(entry.getValue(), out);
      }
      out.append('}');
    } else if (value instanceof List<?> list) {
      out.append('[');
      for (int i = 0; i < list.size(); i++) {
        out.append(i == 0 ? "" : ",");
        writeJson(list.get(i), out);
      }
      out.append(']');
    } else if (value instanceof Number || value instanceof Boolean) {
      out.append(value);
    } else {
      out.append('"');
      for (char c : String.valueOf(value).toCharArray()) {
        switch (c) {
          case '"' -> out.append("\\\"");
          case '\\' -> out.append("\\\\");
          case '\n' -> out.append("\\n");
          case '\r' -> out.append("\\r");
          case '\t' -> out.append("\\t");
          default -> {
            if (c < 0x20 || c > 0x7e) {
              out.append(String.format("\\u%04x", (int) c));
            } else {
              out.append(c);
            }
          }
        }
      }
      out.append('"');
    }
  }
}
