import { Global, Module } from '@nestjs/common';
import { PasswordHasher } from './password-hasher.js';
import { TokenService } from './token.service.js';
import { AccountsService } from './accounts.service.js';
import { SignInLimits } from './sign-in-limits.js';

@Global()
@Module({
  providers: [TokenService, PasswordHasher, SignInLimits, AccountsService],
  exports: [TokenService, PasswordHasher, AccountsService],
})
export class AuthModule {}
