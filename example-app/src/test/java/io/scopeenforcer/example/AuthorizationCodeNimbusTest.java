package io.scopeenforcer.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.oauth2.sdk.AccessTokenResponse;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.AuthorizationGrant;
import com.nimbusds.oauth2.sdk.AuthorizationRequest;
import com.nimbusds.oauth2.sdk.AuthorizationResponse;
import com.nimbusds.oauth2.sdk.AuthorizationSuccessResponse;
import com.nimbusds.oauth2.sdk.OAuth2Error;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import io.scopeenforcer.example.issuer.DemoClients;
import io.scopeenforcer.example.issuer.Directory;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A real OAuth client library, the Nimbus OAuth 2.0 SDK, drives the development issuer's authorization-code flow:
 * it reads the RFC 8414 metadata, builds the PKCE request, parses the redirect (RFC 9207 {@code iss} included),
 * exchanges the code and refreshes. The browser part (sign-in and consent forms) is posted by hand.
 */
class AuthorizationCodeNimbusTest {

    private final Api api = Api.shared();

    static Stream<Arguments> clients() {
        return Stream.of(
                // client | user | redirect (@ = the app's base) | requested | granted
                Arguments.of("acme-web", "alice", "@/demo/callback",
                        "applications:read groups:update tenants:read offline_access",
                        "applications:read groups:update offline_access"),
                Arguments.of("paas-cli", "carol", "http://127.0.0.1:43117/callback",
                        "urn:opc:resource:consumer:paas:analytics::read offline_access",
                        "urn:opc:resource:consumer:paas:analytics::read offline_access"));
    }

    @ParameterizedTest(name = "{0} as {1}")
    @MethodSource("clients")
    void nimbusClientWhenRunningTheCodeFlowThenTokensAndRefresh(String clientId, String user, String redirect,
                                                                String requested, String granted) throws Exception {
        AuthorizationServerMetadata metadata = AuthorizationServerMetadata.resolve(new Issuer(api.base().toString()));
        assertTrue(metadata.getCodeChallengeMethods().contains(CodeChallengeMethod.S256));
        assertFalse(metadata.getCodeChallengeMethods().contains(CodeChallengeMethod.PLAIN));
        URI redirectUri = URI.create(redirect.replace("@", api.base().toString()));
        CodeVerifier verifier = new CodeVerifier();
        State state = new State();
        AuthorizationRequest request = new AuthorizationRequest.Builder(new ResponseType(ResponseType.Value.CODE),
                new ClientID(clientId))
                .scope(Scope.parse(requested))
                .state(state)
                .redirectionURI(redirectUri)
                .codeChallenge(verifier, CodeChallengeMethod.S256)
                .endpointURI(metadata.getAuthorizationEndpointURI())
                .build();

        Browser browser = new Browser();
        HttpResponse<String> signIn = browser.get(request.toURI());
        assertEquals(200, signIn.statusCode(), signIn.body());
        HttpResponse<String> consent = browser.submit(api.base(), signIn,
                Map.of("username", user, "password", Directory.passwordOf(user)));
        assertEquals(200, consent.statusCode(), consent.body());
        HttpResponse<String> redirected = browser.submit(api.base(), consent, Map.of("decision", "allow"));
        assertEquals(303, redirected.statusCode());

        AuthorizationResponse response = AuthorizationResponse.parse(URI.create(Api.header(redirected, "Location")));
        assertTrue(response.indicatesSuccess());
        AuthorizationSuccessResponse success = response.toSuccessResponse();
        assertEquals(state, success.getState());
        assertEquals(metadata.getIssuer(), success.getIssuer(), "RFC 9207");
        AuthorizationCode code = success.getAuthorizationCode();

        AccessTokenResponse tokens = token(metadata, clientId, new AuthorizationCodeGrant(code, redirectUri, verifier));
        assertEquals(Scope.parse(granted), tokens.getTokens().getAccessToken().getScope());
        RefreshToken refresh = tokens.getTokens().getRefreshToken();
        assertNotNull(refresh);

        AccessTokenResponse refreshed = token(metadata, clientId, new RefreshTokenGrant(refresh));
        assertNotEquals(refresh, refreshed.getTokens().getRefreshToken(), "rotated");
        assertEquals(Scope.parse(granted), refreshed.getTokens().getAccessToken().getScope());

        TokenResponse replay = TokenResponse.parse(tokenRequest(metadata, clientId, new RefreshTokenGrant(refresh))
                .toHTTPRequest().send());
        assertEquals(OAuth2Error.INVALID_GRANT, replay.toErrorResponse().getErrorObject());
    }

    @Test
    void nimbusClientWhenVerifierDoesNotMatchThenInvalidGrant() throws Exception {
        AuthorizationServerMetadata metadata = AuthorizationServerMetadata.resolve(new Issuer(api.base().toString()));
        URI redirectUri = URI.create(api.base() + "/demo/callback");
        CodeVerifier verifier = new CodeVerifier();
        AuthorizationRequest request = new AuthorizationRequest.Builder(new ResponseType(ResponseType.Value.CODE),
                new ClientID("acme-web")).scope(Scope.parse("applications:read")).state(new State())
                .redirectionURI(redirectUri).codeChallenge(verifier, CodeChallengeMethod.S256)
                .endpointURI(metadata.getAuthorizationEndpointURI()).build();
        Browser browser = new Browser();
        HttpResponse<String> consent = browser.submit(api.base(), browser.get(request.toURI()),
                Map.of("username", "bob", "password", Directory.passwordOf("bob")));
        HttpResponse<String> redirected = browser.submit(api.base(), consent, Map.of("decision", "allow"));
        AuthorizationCode code = AuthorizationResponse.parse(URI.create(Api.header(redirected, "Location")))
                .toSuccessResponse().getAuthorizationCode();

        TokenResponse response = TokenResponse.parse(tokenRequest(metadata, "acme-web",
                new AuthorizationCodeGrant(code, redirectUri, new CodeVerifier())).toHTTPRequest().send());
        assertEquals(OAuth2Error.INVALID_GRANT, response.toErrorResponse().getErrorObject());
    }

    private static AccessTokenResponse token(AuthorizationServerMetadata metadata, String clientId,
                                             AuthorizationGrant grant) throws Exception {
        TokenResponse response = TokenResponse.parse(tokenRequest(metadata, clientId, grant).toHTTPRequest().send());
        assertTrue(response.indicatesSuccess(), () -> response.toErrorResponse().getErrorObject().toString());
        return response.toSuccessResponse();
    }

    private static TokenRequest tokenRequest(AuthorizationServerMetadata metadata, String clientId,
                                             AuthorizationGrant grant) {
        if (clientId.equals("paas-cli")) {
            // A public client: its client_id in the body, no secret (RFC 6749 §2.1).
            return new TokenRequest(metadata.getTokenEndpointURI(), new ClientID(clientId), grant);
        }
        ClientAuthentication auth = new ClientSecretBasic(new ClientID(clientId),
                new Secret(DemoClients.secretOf(clientId)));
        return new TokenRequest(metadata.getTokenEndpointURI(), auth, grant);
    }
}
