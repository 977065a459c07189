import { ArgumentsHost, Body, Catch, Controller, ExceptionFilter, Module, Param, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { IsString } from 'class-validator';
import type { FastifyReply } from 'fastify';
import { Client } from '@app/config';
import { Capability, GatewayError } from '@app/core';
import { requestValidationPipe } from '../http/validation-pipe';
import { AccountAccess } from './account-access';
import { AccountContext } from './account-context';
import type { AuthenticatedRequest } from './client-auth.guard';
import { AccountRequirement, GrantedAccount, GrantedAccountPipe } from './granted-account.decorator';
import { registryOf, testAccount as account, testClient as client } from './testing/accounts';

const cn = account('cn', ['campaigns.pause', 'callbacks.create', 'contacts.delete']);
const other = account('in', ['campaigns.pause', 'contacts.delete']);
const access = new AccountAccess(registryOf(cn, other));
const pipe = new GrantedAccountPipe(access);

/** The request as the pipe sees it: after authentication, with Fastify's decoded path parameters. */
function resolve(
  who: Client,
  requirement: AccountRequirement,
  params: Record<string, string>,
  body?: unknown,
): Promise<AccountContext> {
  const request = { client: who, params, body } as unknown as Parameters<GrantedAccountPipe['transform']>[0];
  return pipe.transform(request, { type: 'custom', data: requirement as unknown as string });
}

async function errorOf(promise: Promise<unknown>): Promise<GatewayError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected a GatewayError, nothing was thrown');
}

describe('GrantedAccountPipe', () => {
  it('gives the account with its client, and checks a second capability on it', async () => {
    const who = client({ accountId: 'cn', capabilities: ['contacts.delete'] });
    const target = await resolve(
      who,
      { capability: 'contacts.delete' },
      { accountId: 'cn', campaignId: '1' },
    );
    expect(target.account).toBe(cn);
    expect(target.client).toBe(who);
    expect(() => target.require('contacts.delete')).not.toThrow();
    expect((await errorOf(Promise.resolve().then(() => target.require('campaigns.pause')))).code).toBe(
      'forbidden',
    );
    // The provider has no filter delete: 501 before the grant is looked at.
    const unsupported = await errorOf(
      Promise.resolve().then(() => target.require('contacts.delete.byFilter')),
    );
    expect(unsupported.code).toBe('operation_not_supported');
  });

  it('answers 404 account_not_found for an account the client may not see, as for one that does not exist', async () => {
    const who = client({ accountId: 'cn' });
    const hidden = await errorOf(resolve(who, { capability: 'campaigns.pause' }, { accountId: 'in' }));
    const missing = await errorOf(resolve(who, { capability: 'campaigns.pause' }, { accountId: 'nope' }));
    expect([hidden.status, hidden.code]).toEqual([404, 'account_not_found']);
    expect([missing.status, missing.code]).toEqual([404, 'account_not_found']);
  });

  it('lets a grant naming the account win over "*", whichever comes first', async () => {
    for (const grants of [
      [{ accountId: '*' }, { accountId: 'cn', capabilities: ['campaigns.pause'] as Capability[] }],
      [{ accountId: 'cn', capabilities: ['campaigns.pause'] as Capability[] }, { accountId: '*' }],
    ]) {
      const who = client(...grants);
      const narrowed = await errorOf(resolve(who, { capability: 'contacts.delete' }, { accountId: 'cn' }));
      expect([narrowed.status, narrowed.code]).toEqual([403, 'forbidden']);
      expect((await resolve(who, { capability: 'campaigns.pause' }, { accountId: 'cn' })).account).toBe(cn);
      // The other account still comes through the wildcard, in full.
      expect((await resolve(who, { capability: 'contacts.delete' }, { accountId: 'in' })).account).toBe(
        other,
      );
    }
  });

  it('answers 501 operation_not_supported for a capability the provider lacks, before the grant (403)', async () => {
    const who = client({ accountId: 'in', capabilities: ['campaigns.pause'] });
    const error = await errorOf(resolve(who, { capability: 'callbacks.create' }, { accountId: 'in' }));
    expect([error.status, error.code]).toEqual([501, 'operation_not_supported']);
    expect(error.provider).toEqual({ name: 'isales' });
  });

  it('checks the path identifiers after the account, naming the field', async () => {
    const who = client({ accountId: 'cn', capabilities: ['campaigns.pause'] });
    const badCampaign = await errorOf(
      resolve(who, { capability: 'campaigns.pause' }, { accountId: 'cn', campaignId: 'x' }),
    );
    expect([badCampaign.status, badCampaign.code, badCampaign.errors]).toEqual([
      400,
      'validation_failed',
      [{ field: 'campaignId', message: 'must be digits' }],
    ]);
    const badCallback = await errorOf(
      resolve(who, { capability: 'campaigns.pause' }, { accountId: 'cn', callbackId: 'zz' }),
    );
    expect(badCallback.errors).toEqual([{ field: 'callbackId', message: 'must be hex' }]);
    // A bad id on an account outside the grant is still 403: the account comes first.
    const forbidden = await errorOf(
      resolve(who, { capability: 'contacts.delete' }, { accountId: 'cn', campaignId: 'x' }),
    );
    expect(forbidden.code).toBe('forbidden');
  });

  it('checks the listed body identifiers in their order, after the path', async () => {
    const who = client({ accountId: 'cn' });
    const requirement: AccountRequirement = {
      capability: 'callbacks.create',
      bodyIdentifiers: ['campaignId', 'phoneNumber'],
    };
    const both = await errorOf(
      resolve(who, requirement, { accountId: 'cn' }, { campaignId: 'x', phoneNumber: 'y' }),
    );
    expect(both.errors).toEqual([{ field: 'campaignId', message: 'must be digits' }]);
    const number = await errorOf(
      resolve(who, requirement, { accountId: 'cn' }, { campaignId: '1', phoneNumber: 'y' }),
    );
    expect(number.errors).toEqual([{ field: 'phoneNumber', message: 'must be 3+ digits' }]);
    await expect(
      resolve(who, requirement, { accountId: 'cn' }, { campaignId: '1', phoneNumber: '123' }),
    ).resolves.toBeInstanceOf(AccountContext);
  });
});

class BookDto {
  @IsString()
  campaignId!: string;
}

@Controller('v1/accounts/:accountId')
class BookingController {
  @Post('book')
  book(
    @Param('accountId') _accountId: string,
    @GrantedAccount('callbacks.create', { bodyIdentifiers: ['campaignId'] }) target: AccountContext,
    @Body() body: BookDto,
  ) {
    return { account: target.account.id, client: target.client.id, campaignId: body.campaignId };
  }
}

@Catch(GatewayError)
class StatusFilter implements ExceptionFilter {
  catch(error: GatewayError, host: ArgumentsHost): void {
    void host.switchToHttp().getResponse<FastifyReply>().status(error.status).send({ code: error.code });
  }
}

@Module({ controllers: [BookingController], providers: [{ provide: AccountAccess, useValue: access }] })
class BookingModule {}

describe('@GrantedAccount on a route', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await NestFactory.create<NestFastifyApplication>(BookingModule, new FastifyAdapter(), {
      logger: false,
    });
    // Stands in for the authentication hook: the client named by a header.
    app
      .getHttpAdapter()
      .getInstance()
      .addHook('onRequest', async (request) => {
        const grant = request.headers['x-grant'];
        (request as unknown as AuthenticatedRequest).client = client({ accountId: String(grant) });
      });
    app.useGlobalFilters(new StatusFilter());
    app.useGlobalPipes(requestValidationPipe());
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });

  afterAll(() => app.close());

  const post = (accountId: string, grant: string, body: unknown) =>
    app.inject({
      method: 'POST',
      url: `/v1/accounts/${accountId}/book`,
      headers: { 'x-grant': grant, 'content-type': 'application/json' },
      payload: JSON.stringify(body),
    });

  it('hands the handler the resolved account', async () => {
    const answer = await post('cn', 'cn', { campaignId: '7' });
    expect(answer.statusCode).toBe(201);
    expect(answer.json()).toEqual({ account: 'cn', client: 'c1', campaignId: '7' });
  });

  it('lets the body validation answer first (400), as the services did, then the account (404)', async () => {
    expect((await post('in', 'cn', { campaignId: 7 })).json()).toEqual({ code: 'validation_failed' });
    expect((await post('in', 'cn', { campaignId: '7', extra: 1 })).json()).toEqual({
      code: 'validation_failed',
    });
    const hidden = await post('in', 'cn', { campaignId: '7' });
    expect([hidden.statusCode, hidden.json()]).toEqual([404, { code: 'account_not_found' }]);
  });

  it("checks the body's identifier against the provider once the account is known", async () => {
    const answer = await post('cn', 'cn', { campaignId: 'x' });
    expect([answer.statusCode, answer.json()]).toEqual([400, { code: 'validation_failed' }]);
  });
});
