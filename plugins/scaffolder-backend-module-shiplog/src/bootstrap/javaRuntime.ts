import { NON_ROOT_UID, RuntimeProfile } from './runtimeProfile';

/** Java: a Maven build on a JDK image, a JRE runtime image. */
export const javaRuntime: RuntimeProfile = {
  buildImage: 'maven:3.9.9-eclipse-temurin-21',
  runtimeImage: 'eclipse-temurin:21.0.5_11-jre-noble',
  dockerfile: () => `# syntax=docker/dockerfile:1
# Build stage: Maven with a JDK; dependencies first so they are cached between builds.
FROM maven:3.9.9-eclipse-temurin-21 AS build
WORKDIR /src
COPY pom.xml ./
RUN mvn -B -q dependency:go-offline
COPY src ./src
RUN mvn -B -q package -DskipTests

# Runtime stage: a JRE only, a numeric non-root user.
FROM eclipse-temurin:21.0.5_11-jre-noble
RUN useradd --uid ${NON_ROOT_UID} --no-create-home --shell /usr/sbin/nologin app
WORKDIR /app
COPY --from=build /src/target/service.jar ./service.jar
USER ${NON_ROOT_UID}
ENV PORT=8080
EXPOSE 8080
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/service.jar"]
`,
  dockerignore: ['target', '.mvn/wrapper/maven-wrapper.jar'],
  githubTestSteps: [
    {
      uses: 'actions/setup-java@v4',
      with: { distribution: 'temurin', 'java-version': '21', cache: 'maven' },
    },
    { run: 'mvn -B verify' },
  ],
  jenkinsTest: 'mvn -B verify',
  skeleton: name => ({
    'pom.xml': mavenPom(name),
    'src/main/java/service/Main.java': mainClass(name),
    'src/test/java/service/MainTest.java': mainTest(),
  }),
};

/** A Maven build producing target/service.jar, with JUnit for the test. */
function mavenPom(name: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0"
         xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
         xsi:schemaLocation="http://maven.apache.org/POM/4.0.0 https://maven.apache.org/xsd/maven-4.0.0.xsd">
  <modelVersion>4.0.0</modelVersion>
  <groupId>service</groupId>
  <artifactId>${name}</artifactId>
  <version>0.0.0</version>
  <properties>
    <maven.compiler.release>21</maven.compiler.release>
    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
  </properties>
  <dependencies>
    <dependency>
      <groupId>org.junit.jupiter</groupId>
      <artifactId>junit-jupiter</artifactId>
      <version>5.11.4</version>
      <scope>test</scope>
    </dependency>
  </dependencies>
  <build>
    <finalName>service</finalName>
    <plugins>
      <plugin>
        <groupId>org.apache.maven.plugins</groupId>
        <artifactId>maven-surefire-plugin</artifactId>
        <version>3.5.2</version>
      </plugin>
      <plugin>
        <groupId>org.apache.maven.plugins</groupId>
        <artifactId>maven-jar-plugin</artifactId>
        <version>3.4.2</version>
        <configuration>
          <archive>
            <manifest>
              <mainClass>service.Main</mainClass>
            </manifest>
          </archive>
        </configuration>
      </plugin>
    </plugins>
  </build>
</project>
`;
}

/** A JDK-only HTTP server answering /healthz and naming the service on /. */
function mainClass(name: string): string {
  return `package service;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

public final class Main {
  public static HttpServer start(int port) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
    server.createContext("/healthz", exchange -> respond(exchange, "ok"));
    server.createContext("/", exchange -> respond(exchange, "{\\"service\\":\\"${name}\\"}"));
    server.start();
    return server;
  }

  private static void respond(com.sun.net.httpserver.HttpExchange exchange, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(200, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  public static void main(String[] args) throws IOException {
    start(Integer.parseInt(System.getenv().getOrDefault("PORT", "8080")));
  }
}
`;
}

/** A test that starts the server on a free port and checks /healthz. */
function mainTest(): string {
  return `package service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.net.httpserver.HttpServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class MainTest {
  @Test
  void answersTheHealthCheck() throws Exception {
    HttpServer server = Main.start(0);
    try {
      URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/healthz");
      HttpResponse<String> res = HttpClient.newHttpClient()
          .send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, res.statusCode());
    } finally {
      server.stop(0);
    }
  }
}
`;
}
