import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { ProblemDto } from '../common/api-docs';

/**
 * The OpenAPI document, generated from the controllers and DTOs: Swagger UI at /docs, JSON at
 * /docs/json.
 */
export function serveOpenApi(app: INestApplication, version: string): void {
  const config = new DocumentBuilder()
    .setTitle('Process Analyzer query API')
    .setDescription(
      'Exact answers over the fleet\'s process samples, across shards and resolutions. Times are RFC 3339; windows are half-open [from, to). ' +
        'Errors are application/problem+json (RFC 9457) with a stable `code`.',
    )
    .setVersion(version)
    // Every /v1 route needs an API key with the read scope (README, "API keys").
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'pa1_<key id>_<secret>_<checksum>', description: 'an API key with the `read` scope' }, 'apiKey')
    .addSecurityRequirements('apiKey')
    .build();
  const document = SwaggerModule.createDocument(app, config, { extraModels: [ProblemDto] });
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/json', yamlDocumentUrl: 'docs/yaml' });
}
