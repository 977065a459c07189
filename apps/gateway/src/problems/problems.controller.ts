import { Controller, Get, Headers, Param, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ERROR_CATALOGUE, ERROR_CODES, ErrorCode, GatewayError, problemType } from '@app/core';
import { ApiProblems } from '../docs/api-problems.decorator';
import { problemTypeBase } from '../http/public-edge';

/** What a problem type page says about its code. */
export interface ProblemTypeView {
  type: string;
  code: ErrorCode;
  status: number;
  title: string;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The page every problem `type` points at: what the code means, as HTML for a person following the
 * link and as JSON for a program (by `Accept`). Open, like the docs: it holds nothing of any client.
 */
@ApiTags('service')
@Controller('problems')
export class ProblemsController {
  @Get(':code')
  @ApiOperation({
    operationId: 'getProblemType',
    summary: 'What a problem type means: the page its `type` URL names',
    description: 'HTML by default; JSON when `Accept` asks for `application/json`.',
  })
  @ApiParam({ name: 'code', enum: ERROR_CODES, example: 'validation_failed' })
  @ApiProduces('text/html', 'application/json')
  @ApiOkResponse({
    description: 'The code, its HTTP status and its title.',
    content: {
      'text/html': { schema: { type: 'string' } },
      'application/json': {
        schema: {
          type: 'object',
          required: ['type', 'code', 'status', 'title'],
          properties: {
            type: { type: 'string', example: '/problems/validation_failed' },
            code: { type: 'string', enum: ERROR_CODES },
            status: { type: 'integer', example: 400 },
            title: { type: 'string', example: ERROR_CATALOGUE.validation_failed.title },
          },
        },
      },
    },
  })
  @ApiProblems('route_not_found')
  page(
    @Param('code') code: string,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): ProblemTypeView | string {
    if (!Object.hasOwn(ERROR_CATALOGUE, code)) {
      throw new GatewayError('route_not_found', `There is no problem type "${code.slice(0, 64)}"`);
    }
    const known = code as ErrorCode;
    const view: ProblemTypeView = {
      type: problemType(known, problemTypeBase(reply.request)),
      code: known,
      status: ERROR_CATALOGUE[known].status,
      title: ERROR_CATALOGUE[known].title,
    };
    void reply.header('Cache-Control', 'public, max-age=86400');
    if (/application\/(problem\+)?json/.test(accept ?? '') && !/text\/html/.test(accept ?? '')) return view;
    void reply.type('text/html; charset=utf-8');
    return [
      '<!doctype html>',
      `<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(code)}: ${escapeHtml(view.title)}</title></head>`,
      '<body>',
      `<h1><code>${escapeHtml(code)}</code></h1>`,
      `<p>HTTP ${view.status}: ${escapeHtml(view.title)}.</p>`,
      '<p>An answer of campaign-gateway with this <code>code</code> is RFC 9457 <code>application/problem+json</code>;',
      'its <code>detail</code> says what happened, <code>errors</code> names the fields, and <code>requestId</code> finds it in the logs.',
      'The whole catalogue is in the API documentation (<code>/docs</code>).</p>',
      '</body></html>',
    ].join('\n');
  }
}
