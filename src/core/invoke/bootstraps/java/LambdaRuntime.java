// lpack's Java runtime for `lpack invoke` and `lpack local start-lambda`: it loads the handler named by _HANDLER
// (`package.Class::method`, or `package.Class` with handleRequest) from the class path lpack gives the JVM (the
// function's classes at LAMBDA_TASK_ROOT, its lib/*.jar, the layers' java/lib/*.jar) and serves invocations through
// the Lambda Runtime API at AWS_LAMBDA_RUNTIME_API, as Lambda's Java runtime does.
//
// One file, the JDK only: no JSON library (a small parser and writer below), and aws-lambda-java-core's Context and
// LambdaLogger are provided through reflection proxies only when the function ships that library. lpack compiles
// this file once per JDK into its cache folder (javac --release 11, so it runs on java11 up to java25).
package lpack.runtime;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Array;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Proxy;
import java.lang.reflect.Type;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

public final class LambdaRuntime {
  private static final String CONTEXT = "com.amazonaws.services.lambda.runtime.Context";
  private static final String LOGGER = "com.amazonaws.services.lambda.runtime.LambdaLogger";
  private static final String STREAM_HANDLER = "com.amazonaws.services.lambda.runtime.RequestStreamHandler";
  private static final String COGNITO_IDENTITY = "com.amazonaws.services.lambda.runtime.CognitoIdentity";
  private static final String CLIENT_CONTEXT = "com.amazonaws.services.lambda.runtime.ClientContext";
  private static final String CLIENT = "com.amazonaws.services.lambda.runtime.Client";

  private static String api;

  public static void main(String[] args) throws Exception {
    api = "http://" + System.getenv("AWS_LAMBDA_RUNTIME_API") + "/2018-06-01/runtime";
    Handler handler;
    try {
      handler = Handler.load(System.getenv("_HANDLER"));
    } catch (Throwable error) {
      Throwable cause = unwrap(error);
      post("/init/error", errorDocument(cause), cause.getClass().getName());
      System.out.println(errorDocument(cause));
      System.exit(1);
      return;
    }
    while (true) {
      HttpURLConnection next = (HttpURLConnection) new URL(api + "/invocation/next").openConnection();
      next.setReadTimeout(0);
      byte[] event = next.getInputStream().readAllBytes();
      String requestId = next.getHeaderField("Lambda-Runtime-Aws-Request-Id");
      Invocation invocation = new Invocation(requestId, Long.parseLong(next.getHeaderField("Lambda-Runtime-Deadline-Ms")), next.getHeaderField("Lambda-Runtime-Invoked-Function-Arn"), next.getHeaderField("Lambda-Runtime-Cognito-Identity"), next.getHeaderField("Lambda-Runtime-Client-Context"));
      try {
        byte[] response = handler.invoke(event, invocation);
        post("/invocation/" + requestId + "/response", response, null);
      } catch (Throwable error) {
        Throwable cause = unwrap(error);
        String document = errorDocument(cause);
        // Lambda's Java runtime logs the error with its stack before it answers.
        StringWriter trace = new StringWriter();
        cause.printStackTrace(new PrintWriter(trace));
        System.err.print(trace);
        post("/invocation/" + requestId + "/error", document.getBytes(StandardCharsets.UTF_8), cause.getClass().getName());
      }
      System.out.flush();
      System.err.flush();
    }
  }

  private static Throwable unwrap(Throwable error) {
    while ((error instanceof InvocationTargetException || error instanceof ExceptionInInitializerError) && error.getCause() != null) error = error.getCause();
    return error;
  }

  private static void post(String path, String body, String errorType) throws Exception {
    post(path, body.getBytes(StandardCharsets.UTF_8), errorType);
  }

  private static void post(String path, byte[] body, String errorType) throws Exception {
    HttpURLConnection connection = (HttpURLConnection) new URL(api + path).openConnection();
    connection.setRequestMethod("POST");
    connection.setDoOutput(true);
    connection.setFixedLengthStreamingMode(body.length);
    if (errorType != null) connection.setRequestProperty("Lambda-Runtime-Function-Error-Type", errorType);
    try (OutputStream out = connection.getOutputStream()) {
      out.write(body);
    }
    connection.getInputStream().readAllBytes();
  }

  /** An error as Lambda's Java runtime reports it: errorMessage, errorType, stackTrace (and its cause). */
  static String errorDocument(Throwable error) {
    return Json.write(errorMap(error));
  }

  private static Map<String, Object> errorMap(Throwable error) {
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("errorMessage", error.getMessage());
    document.put("errorType", error.getClass().getName());
    List<Object> stack = new ArrayList<>();
    for (StackTraceElement element : error.getStackTrace()) {
      if (element.getClassName().startsWith("lpack.runtime.") || element.getClassName().startsWith("jdk.internal.reflect.") || element.getClassName().startsWith("java.lang.reflect.")) continue;
      stack.add(element.toString());
    }
    document.put("stackTrace", stack);
    if (error.getCause() != null && error.getCause() != error) document.put("cause", errorMap(error.getCause()));
    return document;
  }

  static final class Invocation {
    final String requestId;
    final long deadlineMs;
    final String invokedFunctionArn;
    /** The headers' JSON text, null when the invoke gave none. */
    final String cognitoIdentity;
    final String clientContext;

    Invocation(String requestId, long deadlineMs, String invokedFunctionArn, String cognitoIdentity, String clientContext) {
      this.requestId = requestId;
      this.deadlineMs = deadlineMs;
      this.invokedFunctionArn = invokedFunctionArn;
      this.cognitoIdentity = cognitoIdentity;
      this.clientContext = clientContext;
    }
  }

  /** The handler method and how to call it. */
  static final class Handler {
    private final Object instance;
    private final Method method;
    private final boolean stream;
    private final ClassLoader loader;

    private Handler(Object instance, Method method, boolean stream, ClassLoader loader) {
      this.instance = instance;
      this.method = method;
      this.stream = stream;
      this.loader = loader;
    }

    static Handler load(String name) throws Exception {
      if (name == null || name.isEmpty()) throw new IllegalArgumentException("No handler: set Handler to package.Class::method");
      int split = name.indexOf("::");
      String className = split < 0 ? name : name.substring(0, split);
      String methodName = split < 0 ? "handleRequest" : name.substring(split + 2);
      ClassLoader loader = Thread.currentThread().getContextClassLoader();
      Class<?> type;
      try {
        type = Class.forName(className, true, loader);
      } catch (ClassNotFoundException error) {
        throw new ClassNotFoundException("Class not found: " + className, error);
      }
      Class<?> streamHandler = optionalClass(STREAM_HANDLER, loader);
      Method chosen = null;
      for (Method candidate : type.getMethods()) {
        if (!candidate.getName().equals(methodName) || candidate.isBridge() || candidate.isSynthetic()) continue;
        if (candidate.getParameterCount() > 3) continue;
        // Lambda picks the method with the most parameters; among equals, one whose last parameter is a Context.
        if (chosen == null || candidate.getParameterCount() > chosen.getParameterCount() || (candidate.getParameterCount() == chosen.getParameterCount() && endsWithContext(candidate) && !endsWithContext(chosen))) chosen = candidate;
      }
      if (chosen == null) throw new NoSuchMethodException("No public method named " + methodName + " with appropriate method signature found on class " + className);
      Object instance = null;
      if (!Modifier.isStatic(chosen.getModifiers())) {
        Constructor<?> constructor = type.getDeclaredConstructor();
        constructor.setAccessible(true);
        instance = constructor.newInstance();
      }
      Class<?>[] parameters = chosen.getParameterTypes();
      boolean stream = (streamHandler != null && streamHandler.isAssignableFrom(type) && methodName.equals("handleRequest")) || (parameters.length >= 2 && parameters[0] == InputStream.class && parameters[1] == OutputStream.class);
      return new Handler(instance, chosen, stream, loader);
    }

    private static boolean endsWithContext(Method method) {
      Class<?>[] parameters = method.getParameterTypes();
      return parameters.length > 0 && parameters[parameters.length - 1].getName().equals(CONTEXT);
    }

    byte[] invoke(byte[] event, Invocation invocation) throws Throwable {
      Class<?>[] types = method.getParameterTypes();
      Type[] generic = method.getGenericParameterTypes();
      Object[] arguments = new Object[types.length];
      ByteArrayOutputStream output = new ByteArrayOutputStream();
      for (int i = 0; i < types.length; i++) {
        if (types[i].getName().equals(CONTEXT)) arguments[i] = context(types[i], invocation);
        else if (stream && i == 0) arguments[i] = new ByteArrayInputStream(event);
        else if (stream && i == 1) arguments[i] = output;
        else if (i == 0) arguments[i] = Json.convert(Json.parse(new String(event, StandardCharsets.UTF_8)), types[i], generic[i], true);
        else throw new IllegalArgumentException("Handler parameter " + (i + 1) + " of " + method + " must be a Context");
      }
      Object result;
      try {
        result = method.invoke(instance, arguments);
      } catch (InvocationTargetException error) {
        throw error.getCause();
      }
      if (stream) return output.toByteArray();
      if (method.getReturnType() == void.class) return "null".getBytes(StandardCharsets.UTF_8);
      return Json.write(result).getBytes(StandardCharsets.UTF_8);
    }

    private Object context(Class<?> contextType, Invocation invocation) {
      Class<?> loggerType = optionalClass(LOGGER, loader);
      Object logger = loggerType == null ? null : Proxy.newProxyInstance(loader, new Class<?>[] {loggerType}, (proxy, m, args) -> {
        if (m.getName().equals("log") && args != null && args.length >= 1) {
          Object message = args[0];
          System.out.print(message instanceof byte[] ? new String((byte[]) message, StandardCharsets.UTF_8) : String.valueOf(message));
          System.out.flush();
          return null;
        }
        return objectMethod(proxy, m, args, "LambdaLogger");
      });
      String functionName = System.getenv("AWS_LAMBDA_FUNCTION_NAME");
      Object identity = cognitoIdentity(invocation.cognitoIdentity);
      Object clientContext = clientContext(invocation.clientContext);
      return Proxy.newProxyInstance(loader, new Class<?>[] {contextType}, (proxy, m, args) -> {
        switch (m.getName()) {
          case "getAwsRequestId": return invocation.requestId;
          case "getLogGroupName": return System.getenv("AWS_LAMBDA_LOG_GROUP_NAME");
          case "getLogStreamName": return System.getenv("AWS_LAMBDA_LOG_STREAM_NAME");
          case "getFunctionName": return functionName;
          case "getFunctionVersion": return System.getenv("AWS_LAMBDA_FUNCTION_VERSION");
          case "getInvokedFunctionArn": return invocation.invokedFunctionArn;
          case "getIdentity": return identity;
          case "getClientContext": return clientContext;
          case "getRemainingTimeInMillis": return (int) Math.max(0, invocation.deadlineMs - System.currentTimeMillis());
          case "getMemoryLimitInMB": return Integer.parseInt(System.getenv("AWS_LAMBDA_FUNCTION_MEMORY_SIZE"));
          case "getLogger": return logger;
          default: return objectMethod(proxy, m, args, "Context");
        }
      });
    }

    /** The Cognito identity as Lambda's Java runtime reads the header: cognitoIdentityId and cognitoIdentityPoolId. */
    private Object cognitoIdentity(String header) {
      Map<?, ?> document = jsonObject(header);
      Class<?> type = optionalClass(COGNITO_IDENTITY, loader);
      if (document == null || type == null) return null;
      return Proxy.newProxyInstance(loader, new Class<?>[] {type}, (proxy, m, args) -> {
        switch (m.getName()) {
          case "getIdentityId": return text(document.get("cognitoIdentityId"));
          case "getIdentityPoolId": return text(document.get("cognitoIdentityPoolId"));
          default: return objectMethod(proxy, m, args, "CognitoIdentity");
        }
      });
    }

    /** The client context as the mobile SDKs send it: client (installation_id, app_title, …), custom and env. */
    private Object clientContext(String header) {
      Map<?, ?> document = jsonObject(header);
      Class<?> type = optionalClass(CLIENT_CONTEXT, loader);
      if (document == null || type == null) return null;
      Map<?, ?> clientDocument = document.get("client") instanceof Map ? (Map<?, ?>) document.get("client") : null;
      Class<?> clientType = optionalClass(CLIENT, loader);
      Object client = clientDocument == null || clientType == null ? null : Proxy.newProxyInstance(loader, new Class<?>[] {clientType}, (proxy, m, args) -> {
        switch (m.getName()) {
          case "getInstallationId": return text(clientDocument.get("installation_id"));
          case "getAppTitle": return text(clientDocument.get("app_title"));
          case "getAppVersionName": return text(clientDocument.get("app_version_name"));
          case "getAppVersionCode": return text(clientDocument.get("app_version_code"));
          case "getAppPackageName": return text(clientDocument.get("app_package_name"));
          default: return objectMethod(proxy, m, args, "Client");
        }
      });
      Map<String, String> custom = textMap(document.get("custom"));
      Map<String, String> environment = java.util.Collections.unmodifiableMap(textMap(document.get("env")));
      return Proxy.newProxyInstance(loader, new Class<?>[] {type}, (proxy, m, args) -> {
        switch (m.getName()) {
          case "getClient": return client;
          case "getCustom": return custom;
          case "getEnvironment": return environment;
          default: return objectMethod(proxy, m, args, "ClientContext");
        }
      });
    }

    private static Map<?, ?> jsonObject(String text) {
      if (text == null || text.isEmpty()) return null;
      try {
        Object value = Json.parse(text);
        return value instanceof Map ? (Map<?, ?>) value : null;
      } catch (RuntimeException error) {
        return null;
      }
    }

    private static String text(Object value) {
      return value == null ? null : value instanceof String ? (String) value : Json.write(value);
    }

    private static Map<String, String> textMap(Object value) {
      Map<String, String> map = new LinkedHashMap<>();
      if (value instanceof Map) for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) map.put(String.valueOf(entry.getKey()), text(entry.getValue()));
      return map;
    }

    private static Object objectMethod(Object proxy, Method m, Object[] args, String name) {
      switch (m.getName()) {
        case "toString": return "lpack " + name;
        case "hashCode": return System.identityHashCode(proxy);
        case "equals": return args != null && args.length == 1 && args[0] == proxy;
        default: throw new UnsupportedOperationException(name + "." + m.getName() + " is not provided by lpack's runtime");
      }
    }

    private static Class<?> optionalClass(String name, ClassLoader loader) {
      try {
        return Class.forName(name, false, loader);
      } catch (ClassNotFoundException | LinkageError error) {
        return null;
      }
    }
  }

  /** JSON without a library: parse to Map/List/String/Number/Boolean/null, convert to the handler's types, write. */
  static final class Json {
    private final String text;
    private int at;

    private Json(String text) {
      this.text = text;
    }

    static Object parse(String text) {
      Json parser = new Json(text);
      parser.space();
      if (parser.at >= text.length()) return null;
      Object value = parser.value();
      parser.space();
      if (parser.at < text.length()) throw parser.error("Unexpected text after the JSON value");
      return value;
    }

    private IllegalArgumentException error(String message) {
      return new IllegalArgumentException(message + " at character " + at);
    }

    private void space() {
      while (at < text.length() && Character.isWhitespace(text.charAt(at))) at++;
    }

    private Object value() {
      space();
      if (at >= text.length()) throw error("Unexpected end of JSON");
      char c = text.charAt(at);
      if (c == '{') {
        at++;
        Map<String, Object> map = new LinkedHashMap<>();
        space();
        if (text.charAt(at) == '}') {
          at++;
          return map;
        }
        while (true) {
          space();
          if (text.charAt(at) != '"') throw error("Expected a key");
          String key = string();
          space();
          if (text.charAt(at++) != ':') throw error("Expected ':'");
          map.put(key, value());
          space();
          char next = text.charAt(at++);
          if (next == '}') return map;
          if (next != ',') throw error("Expected ',' or '}'");
        }
      }
      if (c == '[') {
        at++;
        List<Object> list = new ArrayList<>();
        space();
        if (text.charAt(at) == ']') {
          at++;
          return list;
        }
        while (true) {
          list.add(value());
          space();
          char next = text.charAt(at++);
          if (next == ']') return list;
          if (next != ',') throw error("Expected ',' or ']'");
        }
      }
      if (c == '"') return string();
      if (text.startsWith("true", at)) {
        at += 4;
        return Boolean.TRUE;
      }
      if (text.startsWith("false", at)) {
        at += 5;
        return Boolean.FALSE;
      }
      if (text.startsWith("null", at)) {
        at += 4;
        return null;
      }
      int start = at;
      while (at < text.length() && "+-0123456789.eE".indexOf(text.charAt(at)) >= 0) at++;
      String number = text.substring(start, at);
      if (number.isEmpty()) throw error("Unexpected character '" + c + "'");
      if (number.contains(".") || number.contains("e") || number.contains("E")) return Double.parseDouble(number);
      long value = Long.parseLong(number);
      // As Jackson reads numbers into a Map: Integer when it fits, else Long.
      if (value >= Integer.MIN_VALUE && value <= Integer.MAX_VALUE) return (int) value;
      return value;
    }

    private String string() {
      at++;
      StringBuilder out = new StringBuilder();
      while (true) {
        char c = text.charAt(at++);
        if (c == '"') return out.toString();
        if (c != '\\') {
          out.append(c);
          continue;
        }
        char e = text.charAt(at++);
        switch (e) {
          case 'n': out.append('\n'); break;
          case 't': out.append('\t'); break;
          case 'r': out.append('\r'); break;
          case 'b': out.append('\b'); break;
          case 'f': out.append('\f'); break;
          case 'u':
            out.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
            at += 4;
            break;
          default: out.append(e);
        }
      }
    }

    /** A parsed value as the handler's parameter type: String, numbers, Map, List, arrays, or a POJO. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static Object convert(Object value, Class<?> type, Type generic, boolean topLevel) throws Exception {
      if (value == null) return type.isPrimitive() ? convert(0, type, type, false) : null;
      if (type == Object.class || type.isInstance(value) && !(value instanceof Map && !Map.class.isAssignableFrom(type))) {
        if (value instanceof List && generic instanceof ParameterizedType) return convertList((List<Object>) value, ((ParameterizedType) generic).getActualTypeArguments()[0], type);
        if (value instanceof Map && generic instanceof ParameterizedType) return convertMap((Map<String, Object>) value, ((ParameterizedType) generic).getActualTypeArguments()[1]);
        return value;
      }
      if (type == String.class) return value instanceof String ? value : write(value);
      if (value instanceof Number) {
        Number number = (Number) value;
        if (type == int.class || type == Integer.class) return number.intValue();
        if (type == long.class || type == Long.class) return number.longValue();
        if (type == double.class || type == Double.class) return number.doubleValue();
        if (type == float.class || type == Float.class) return number.floatValue();
        if (type == short.class || type == Short.class) return number.shortValue();
        if (type == byte.class || type == Byte.class) return number.byteValue();
      }
      if (value instanceof String && (type == int.class || type == Integer.class)) return Integer.parseInt((String) value);
      if (value instanceof String && (type == long.class || type == Long.class)) return Long.parseLong((String) value);
      if (value instanceof String && type.isEnum()) return Enum.valueOf((Class<Enum>) type, (String) value);
      if ((type == boolean.class || type == Boolean.class) && value instanceof Boolean) return value;
      if (value instanceof List && type.isArray()) {
        List<Object> list = (List<Object>) value;
        Object array = Array.newInstance(type.getComponentType(), list.size());
        for (int i = 0; i < list.size(); i++) Array.set(array, i, convert(list.get(i), type.getComponentType(), type.getComponentType(), false));
        return array;
      }
      if (value instanceof List && Collection.class.isAssignableFrom(type)) return convertList((List<Object>) value, generic instanceof ParameterizedType ? ((ParameterizedType) generic).getActualTypeArguments()[0] : Object.class, type);
      if (value instanceof Map && Map.class.isAssignableFrom(type)) return convertMap((Map<String, Object>) value, generic instanceof ParameterizedType ? ((ParameterizedType) generic).getActualTypeArguments()[1] : Object.class);
      if (value instanceof Map) return pojo((Map<String, Object>) value, type);
      throw new IllegalArgumentException("Cannot read " + write(value) + " as " + type.getName());
    }

    private static Object convertList(List<Object> list, Type element, Class<?> type) throws Exception {
      List<Object> out = new ArrayList<>();
      for (Object item : list) out.add(convert(item, rawClass(element), element, false));
      return out;
    }

    private static Object convertMap(Map<String, Object> map, Type element) throws Exception {
      Map<String, Object> out = new LinkedHashMap<>();
      for (Map.Entry<String, Object> entry : map.entrySet()) out.put(entry.getKey(), convert(entry.getValue(), rawClass(element), element, false));
      return out;
    }

    private static Class<?> rawClass(Type type) {
      if (type instanceof Class) return (Class<?>) type;
      if (type instanceof ParameterizedType) return (Class<?>) ((ParameterizedType) type).getRawType();
      return Object.class;
    }

    /** A POJO from a JSON object: a no-argument constructor, then setters (setName) or fields by name. */
    private static Object pojo(Map<String, Object> map, Class<?> type) throws Exception {
      Constructor<?> constructor = type.getDeclaredConstructor();
      constructor.setAccessible(true);
      Object instance = constructor.newInstance();
      for (Map.Entry<String, Object> entry : map.entrySet()) {
        String key = entry.getKey();
        if (key.isEmpty()) continue;
        String setter = "set" + Character.toUpperCase(key.charAt(0)) + key.substring(1);
        Method found = null;
        for (Method method : type.getMethods()) if (method.getName().equals(setter) && method.getParameterCount() == 1) found = method;
        if (found != null) {
          found.invoke(instance, convert(entry.getValue(), found.getParameterTypes()[0], found.getGenericParameterTypes()[0], false));
          continue;
        }
        Field field = field(type, key);
        if (field == null || Modifier.isStatic(field.getModifiers())) continue;
        field.setAccessible(true);
        field.set(instance, convert(entry.getValue(), field.getType(), field.getGenericType(), false));
      }
      return instance;
    }

    private static Field field(Class<?> type, String name) {
      for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
        try {
          return c.getDeclaredField(name);
        } catch (NoSuchFieldException error) {
          // Look in the superclass.
        }
      }
      return null;
    }

    static String write(Object value) {
      StringBuilder out = new StringBuilder();
      write(value, out);
      return out.toString();
    }

    @SuppressWarnings("unchecked")
    private static void write(Object value, StringBuilder out) {
      if (value == null) {
        out.append("null");
      } else if (value instanceof String || value instanceof Character || value instanceof Enum) {
        quote(value.toString(), out);
      } else if (value instanceof Double && (((Double) value).isNaN() || ((Double) value).isInfinite())) {
        out.append("null");
      } else if (value instanceof Number || value instanceof Boolean) {
        out.append(value);
      } else if (value instanceof Map) {
        out.append('{');
        boolean first = true;
        for (Map.Entry<Object, Object> entry : ((Map<Object, Object>) value).entrySet()) {
          if (!first) out.append(',');
          first = false;
          quote(String.valueOf(entry.getKey()), out);
          out.append(':');
          write(entry.getValue(), out);
        }
        out.append('}');
      } else if (value instanceof Collection) {
        out.append('[');
        boolean first = true;
        for (Object item : (Collection<Object>) value) {
          if (!first) out.append(',');
          first = false;
          write(item, out);
        }
        out.append(']');
      } else if (value.getClass().isArray()) {
        out.append('[');
        for (int i = 0; i < Array.getLength(value); i++) {
          if (i > 0) out.append(',');
          write(Array.get(value, i), out);
        }
        out.append(']');
      } else {
        write(properties(value), out);
      }
    }

    /** A POJO's properties as Jackson finds them: public getters (getName, isName), then public fields. */
    private static Map<String, Object> properties(Object value) {
      Map<String, Object> map = new LinkedHashMap<>();
      try {
        for (Method method : value.getClass().getMethods()) {
          if (method.getParameterCount() != 0 || method.getDeclaringClass() == Object.class || Modifier.isStatic(method.getModifiers())) continue;
          String name = method.getName();
          String property = null;
          if (name.startsWith("get") && name.length() > 3) property = name.substring(3);
          else if (name.startsWith("is") && name.length() > 2 && (method.getReturnType() == boolean.class || method.getReturnType() == Boolean.class)) property = name.substring(2);
          if (property == null) continue;
          method.setAccessible(true);
          map.put(Character.toLowerCase(property.charAt(0)) + property.substring(1), method.invoke(value));
        }
        for (Field field : value.getClass().getFields()) {
          if (!Modifier.isStatic(field.getModifiers()) && !map.containsKey(field.getName())) map.put(field.getName(), field.get(value));
        }
      } catch (ReflectiveOperationException error) {
        throw new IllegalStateException("Cannot write " + value.getClass().getName() + " as JSON: " + error.getMessage(), error);
      }
      return new java.util.TreeMap<>(map);
    }

    private static void quote(String text, StringBuilder out) {
      out.append('"');
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        switch (c) {
          case '"': out.append("\\\""); break;
          case '\\': out.append("\\\\"); break;
          case '\n': out.append("\\n"); break;
          case '\r': out.append("\\r"); break;
          case '\t': out.append("\\t"); break;
          default:
            if (c < 0x20) out.append(String.format("\\u%04x", (int) c));
            else out.append(c);
        }
      }
      out.append('"');
    }
  }
}
