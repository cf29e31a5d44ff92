import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

export class LoginDto {
  @ApiProperty({ description: 'An API key of CASEGRAPH_API_KEYS. Sent once; the server keeps only the session cookie it sets.', writeOnly: true })
  @MaxLength(4096)
  @IsNotEmpty()
  @IsString()
  key: string;
}

export class SessionDto {
  @ApiProperty({ enum: ['key', 'open'], description: "'open' when the API needs no key (CASEGRAPH_API_KEYS unset)" }) mode: 'key' | 'open';
  @ApiProperty({ example: 'alice', description: "The key's name, `key:<id>` for an unnamed key, `open` in open mode (never the key)" })
  keyName: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'The project the key is bound to; null for an unbound key' })
  projectUuid: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Send as X-CSRF-Token on every POST/PATCH/PUT/DELETE made with the session cookie; null in open mode',
  })
  csrfToken: string | null;
}
