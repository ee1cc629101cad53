package example;

import java.util.Map;

/**
 * A POJO Lambda handler (package.Class::method): Lambda's Java runtime turns the event JSON into the Map and the
 * returned Map into JSON, so the function needs no AWS library to build.
 */
public class Hello {
  public Map<String, Object> handleRequest(Map<String, Object> event) {
    String greeting = System.getenv().getOrDefault("GREETING", "hello");
    Object name = event == null ? null : event.get("name");
    String message = greeting + " " + (name == null ? "world" : name);
    return Map.of("statusCode", 200, "body", "{\"message\":\"" + message.replace("\"", "\\\"") + "\"}");
  }
}
