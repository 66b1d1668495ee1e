import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { ProblemDto } from '../common/api-docs';
import { EXPLAIN_PARAM } from '../explain/explain.interceptor';

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
  addExplainParameter(document);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/json', yamlDocumentUrl: 'docs/yaml' });
}

type Operation = NonNullable<OpenAPIObject['paths'][string]['get']>;
type ParameterObject = NonNullable<Operation['parameters']>[number];

/**
 * `explain` on every /v1 operation: ExplainInterceptor takes it for all of them, so it is
 * documented once here rather than in every DTO.
 */
function addExplainParameter(document: OpenAPIObject): void {
  const parameter: ParameterObject = {
    name: EXPLAIN_PARAM,
    in: 'query',
    required: false,
    schema: { type: 'string', enum: ['true', 'false', 'analyze'] },
    description:
      'Admin keys only (403 otherwise). `true`: the answer comes back as `{ answer, explain: { mode, plans } }` with, per statement and shard, ' +
      'EXPLAIN (SETTINGS, FORMAT JSON) of the statement as it ran (same transaction and planner settings); `analyze`: EXPLAIN (ANALYZE, BUFFERS) — ' +
      'the statement runs a second time. Never cached.',
  };
  for (const [path, item] of Object.entries(document.paths)) {
    if (!path.startsWith('/v1/')) continue;
    for (const operation of [item.get, item.post, item.put, item.delete]) if (operation) operation.parameters = [...(operation.parameters ?? []), parameter];
  }
}
