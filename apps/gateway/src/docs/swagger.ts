import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { ERROR_CATALOGUE, ERROR_CODES } from '@app/core';

const DESCRIPTION = `
One provider-neutral API for outbound campaigns on **Huawei CEC CC-iSales** and **Ozonetel CloudAgent**.

- Every \`/v1\` route needs \`Authorization: Bearer <client key>\`. A client sees only the accounts its
  configuration grants; anything else is 404. A granted account used for a purpose outside the grant is 403.
- A call the account's provider cannot do is 501 \`operation_not_supported\`; nothing is sent to the vendor.
- Every answer carries \`X-Request-Id\` (yours, if you sent a sane one: 1..128 of letters, digits and \`._:@/+=-\`).
- Times are RFC 3339 with an offset; durations are milliseconds.
- Errors are RFC 9457 \`application/problem+json\` with a catalogue \`code\`:

| code | HTTP | title |
|---|---|---|
${ERROR_CODES.map((code) => `| \`${code}\` | ${ERROR_CATALOGUE[code].status} | ${ERROR_CATALOGUE[code].title} |`).join('\n')}
`;

export function setupSwagger(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('campaign-gateway')
    .setDescription(DESCRIPTION)
    .setVersion('1.0')
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        description: 'A client key from the gateway configuration (its SHA-256 is configured).',
      },
      'client-key',
    )
    .build();
  const document = SwaggerModule.createDocument(app, config);
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs-json',
    swaggerOptions: { persistAuthorization: true },
  });
}
