import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { GatewaySettings } from '@app/config';
import { ERROR_CATALOGUE, ERROR_CODES } from '@app/core';
import { MAX_JSON_DEPTH } from '../http/json-depth';
import { PublicEdge } from '../http/public-edge';
import { documentAdmission } from './admission-docs';
import { finishDocument } from './finish-document';

const DESCRIPTION = `
One provider-neutral API for outbound campaigns on **Huawei CEC CC-iSales** and **Ozonetel CloudAgent**.

- Every \`/v1\` route needs \`Authorization: Bearer <client key>\`. A client sees only the accounts its
  configuration grants; anything else is 404. A granted account used for a purpose outside the grant is 403.
- Admission comes before any work: the key is checked before the body is read (401), each route has a
  body limit (413; each route's 413 answer gives it), and JSON nested deeper than ${MAX_JSON_DEPTH} levels is 400.
- A call the account's provider cannot do is 501 \`operation_not_supported\`; nothing is sent to the vendor.
- Every answer carries \`X-Request-Id\` (yours, if you sent a sane one: 1..128 of letters, digits and \`._:@/+=-\`).
- Times are RFC 3339 with an offset; durations are milliseconds.
- Refusals before any route runs are problem+json too: a request Node cannot parse (raw non-ASCII
  bytes in the target, malformed framing) is 400 \`validation_failed\` naming \`request\`; a malformed
  percent-escape, or a path segment over 4096 characters, is 400 \`validation_failed\` naming \`path\`;
  a request line and headers over 16 KiB are 431 \`headers_too_large\`; a request that does not arrive
  in time is 408 \`request_timeout\`. Such answers carry a new \`X-Request-Id\` and close the connection.
- Path parameters may be 255 characters of any script (an Ozonetel campaign name), percent-encoded.
- \`callData\` keys are kept as sent, \`toString\`, \`valueOf\` and \`hasOwnProperty\` included; keys named
  \`__proto__\`, or \`constructor\` holding \`prototype\`, refuse the body (400), and \`constructor\` or
  \`prototype\` keys are otherwise removed by the framework's pollution guard.
- Errors are RFC 9457 \`application/problem+json\` with a catalogue \`code\`:

| code | HTTP | title |
|---|---|---|
${ERROR_CODES.map((code) => `| \`${code}\` | ${ERROR_CATALOGUE[code].status} | ${ERROR_CATALOGUE[code].title} |`).join('\n')}
`;

export function setupSwagger(
  app: INestApplication,
  settings: Pick<GatewaySettings, 'bodyLimitBytes' | 'bulkBodyLimitBytes'>,
  edge: PublicEdge,
): void {
  const config = new DocumentBuilder()
    .setTitle('campaign-gateway')
    .setDescription(DESCRIPTION)
    .setVersion('1.0')
    .addServer('/', 'This gateway')
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        description: 'A client key from the gateway configuration (its SHA-256 is configured).',
      },
      'client-key',
    )
    .build();
  const built = SwaggerModule.createDocument(app, config);
  documentAdmission(built, settings);
  const document = finishDocument(built);
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs-json',
    swaggerOptions: { persistAuthorization: true },
    // `servers` per request: PUBLIC_BASE_URL, or where a trusted proxy says the client called, so
    // Try-it-out calls the gateway under its public prefix.
    patchDocumentOnRequest: <TRequest>(request: TRequest, _reply: unknown, doc: OpenAPIObject) => ({
      ...doc,
      servers: [
        {
          url: edge.baseUrl(request as FastifyRequest),
          description: 'This gateway, as its clients reach it',
        },
      ],
    }),
  });
}
